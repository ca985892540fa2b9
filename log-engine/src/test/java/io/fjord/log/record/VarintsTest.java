package io.fjord.log.record;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

class VarintsTest {
    private static final int[] INTS = {0, 1, -1, 2, -2, 63, -64, 64, -65, 127, 128, 300, -300, 8191, 8192,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1, 1 << 20, -(1 << 27)};
    private static final long[] LONGS = {0, 1, -1, 63, -64, 64, 1L << 35, -(1L << 35), Integer.MAX_VALUE,
        Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 1L << 62};

    @Test
    void intEdgeCasesRoundTripAndMatchKafka() {
        for (int v : INTS) {
            assertIntCompatible(v);
        }
    }

    @Test
    void longEdgeCasesRoundTripAndMatchKafka() {
        for (long v : LONGS) {
            assertLongCompatible(v);
        }
    }

    @Test
    void randomValuesMatchKafka() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            // Shift by a random amount so every encoded length is exercised, not just 5- and 10-byte ones.
            assertIntCompatible(random.nextInt() >> random.nextInt(32));
            assertLongCompatible(random.nextLong() >> random.nextInt(64));
        }
    }

    @Test
    void knownEncodings() {
        ByteBuffer b = ByteBuffer.allocate(10);
        assertEquals(1, Varints.writeVarint(b, 0, 0));
        assertEquals(0x00, b.get(0));
        assertEquals(1, Varints.writeVarint(b, 0, -1));
        assertEquals(0x01, b.get(0));
        assertEquals(2, Varints.writeVarint(b, 0, 300));
        assertEquals((byte) 0xD8, b.get(0));
        assertEquals(0x04, b.get(1));
        assertEquals(5, Varints.sizeOfVarint(Integer.MIN_VALUE));
        assertEquals(10, Varints.sizeOfVarlong(Long.MIN_VALUE));
        assertEquals(1, Varints.sizeOfVarlong(0));
    }

    @Test
    void nonMinimalEncodingIsAcceptedWithItsTrueLength() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x00, 0x7F});
        assertEquals(0, Varints.readVarint(b, 0, 3));
        assertEquals(2, Varints.lengthOfVarint(b, 0, 3));
        assertEquals(2L << 32, Varints.readVarintAndLength(b, 0, 3));
        assertEquals(0, ByteUtils.readVarint(b.duplicate()));
    }

    @Test
    void rejectsTooLongEncodings() {
        byte[] six = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        ByteBuffer b = ByteBuffer.wrap(six);
        assertThrows(CorruptRecordException.class, () -> Varints.readVarint(b, 0, six.length));
        assertThrows(CorruptRecordException.class, () -> Varints.lengthOfVarint(b, 0, six.length));
        assertThrows(CorruptRecordException.class, () -> Varints.readVarintAndLength(b, 0, six.length));
        assertEquals(0L, Varints.readVarlong(b, 0, six.length), "6 bytes is fine for a varlong");

        byte[] eleven = new byte[11];
        java.util.Arrays.fill(eleven, 0, 10, (byte) 0x80);
        ByteBuffer l = ByteBuffer.wrap(eleven);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> Varints.readVarlong(l, 0, 11));
        assertTrue(e.getMessage().contains("longer than 10"), e.getMessage());
        assertThrows(CorruptRecordException.class, () -> Varints.lengthOfVarlong(l, 0, 11));
    }

    @Test
    void unsignedEdgeCasesRoundTripAndMatchKafka() {
        int[] unsigned = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, Integer.MIN_VALUE, -1};
        int[] sizes = {1, 1, 1, 2, 2, 3, 5, 5, 5};
        for (int i = 0; i < unsigned.length; i++) {
            int v = unsigned[i];
            ByteBuffer ours = ByteBuffer.allocate(8);
            int written = Varints.writeUnsignedVarint(ours, 2, v);
            assertEquals(sizes[i], written, "size of unsigned " + Integer.toUnsignedString(v));
            assertEquals(written, Varints.sizeOfUnsignedVarint(v));
            assertEquals(ByteUtils.sizeOfUnsignedVarint(v), written);
            ByteBuffer theirs = ByteBuffer.allocate(8).position(2);
            ByteUtils.writeUnsignedVarint(v, theirs);
            assertEquals(ours, theirs.position(0), "bytes of unsigned " + Integer.toUnsignedString(v));
            long packed = Varints.readUnsignedVarintAndLength(ours, 2, 8);
            assertEquals(v, (int) packed);
            assertEquals(written, (int) (packed >>> 32));
        }
        long[] unsignedLongs = {0, 1, 127, 128, Long.MAX_VALUE, Long.MIN_VALUE, -1};
        int[] longSizes = {1, 1, 1, 2, 9, 10, 10};
        for (int i = 0; i < unsignedLongs.length; i++) {
            long v = unsignedLongs[i];
            ByteBuffer ours = ByteBuffer.allocate(12);
            assertEquals(longSizes[i], Varints.writeUnsignedVarlong(ours, 1, v), "size of " + Long.toUnsignedString(v));
            assertEquals(longSizes[i], Varints.sizeOfUnsignedVarlong(v));
            assertEquals(v, Varints.readUnsignedVarlong(ours, 1, 12));
            assertEquals(longSizes[i], Varints.lengthOfVarlong(ours, 1, 12));
        }
    }

    @Test
    void extremeSignedValuesHaveTheirKnownEncodings() {
        ByteBuffer b = ByteBuffer.allocate(10);
        // zigzag(MIN_VALUE) = 0xFFFFFFFF: four full continuation bytes and 0x0F.
        assertEquals(5, Varints.writeVarint(b, 0, Integer.MIN_VALUE));
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0x0F}, java.util.Arrays.copyOf(b.array(), 5));
        // zigzag(MAX_VALUE) = 0xFFFFFFFE.
        assertEquals(5, Varints.writeVarint(b, 0, Integer.MAX_VALUE));
        assertArrayEquals(new byte[] {(byte) 0xFE, -1, -1, -1, 0x0F}, java.util.Arrays.copyOf(b.array(), 5));
        // zigzag(Long.MIN_VALUE) = all ones: nine full bytes and 0x01.
        assertEquals(10, Varints.writeVarlong(b, 0, Long.MIN_VALUE));
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01}, b.array());
        assertEquals(10, Varints.writeVarlong(b, 0, Long.MAX_VALUE));
        assertEquals((byte) 0xFE, b.get(0));
        assertEquals(Long.MAX_VALUE, Varints.readVarlong(b, 0, 10));
    }

    @Test
    void lastByteBitsBeyondTheWidthAreDroppedAsKafkaDoes() {
        // A 5-byte varint whose last byte carries bits 32..34: Kafka's reader drops them; so does ours.
        byte[] wide = {(byte) 0x82, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x70};
        ByteBuffer b = ByteBuffer.wrap(wide);
        assertEquals(ByteUtils.readUnsignedVarint(b.duplicate()), (int) Varints.readUnsignedVarintAndLength(b, 0, 5));
        assertEquals(2, (int) Varints.readUnsignedVarintAndLength(b, 0, 5));
        assertEquals(ByteUtils.readVarint(b.duplicate()), Varints.readVarint(b, 0, 5));
        assertEquals(5, Varints.lengthOfVarint(b, 0, 5));
        // The same for the 10th byte of a varlong: only its low bit fits.
        byte[] wideLong = {(byte) 0x82, -128, -128, -128, -128, -128, -128, -128, -128, 0x7E};
        ByteBuffer l = ByteBuffer.wrap(wideLong);
        assertEquals(ByteUtils.readVarlong(l.duplicate()), Varints.readVarlong(l, 0, 10));
        assertEquals(1L, Varints.readVarlong(l, 0, 10));
    }

    @Test
    void overLongEncodingsOfEveryKindAreRejected() {
        // A 5th varint byte with its continuation bit set, followed by a terminator: 6 bytes.
        byte[] fiveContinued = {-1, -1, -1, -1, (byte) 0x8F, 0x00};
        ByteBuffer b = ByteBuffer.wrap(fiveContinued);
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
            () -> Varints.readUnsignedVarintAndLength(b, 0, 6));
        assertTrue(e.getMessage().contains("longer than 5"), e.getMessage());
        assertThrows(CorruptRecordException.class, () -> Varints.readVarintAndLength(b, 0, 6));
        assertThrows(IllegalArgumentException.class, () -> ByteUtils.readUnsignedVarint(b.duplicate()),
            "Kafka rejects it too");
        // A 10th varlong byte with its continuation bit set: 11 bytes.
        byte[] tenContinued = new byte[11];
        java.util.Arrays.fill(tenContinued, 0, 10, (byte) 0xFF);
        ByteBuffer l = ByteBuffer.wrap(tenContinued);
        assertThrows(CorruptRecordException.class, () -> Varints.readUnsignedVarlong(l, 0, 11));
        assertThrows(IllegalArgumentException.class, () -> ByteUtils.readVarlong(l.duplicate()), "Kafka rejects it too");
    }

    @Test
    void rejectsReadsPastTheLimit() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {(byte) 0xD8, 0x04, 0x00});
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> Varints.readVarint(b, 0, 1));
        assertTrue(e.getMessage().contains("limit 1"), e.getMessage());
        assertThrows(CorruptRecordException.class, () -> Varints.readVarlong(b, 0, 1));
        assertThrows(CorruptRecordException.class, () -> Varints.readVarint(b, 3, 3));
        assertThrows(CorruptRecordException.class, () -> Varints.readVarintAndLength(b, 0, 1));
        assertEquals(300, Varints.readVarint(b, 0, 2));
    }

    @Test
    void doesNotMovePositionOrLimit() {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.position(3).limit(12);
        assertEquals(10, Varints.writeVarlong(b, 0, Long.MIN_VALUE));
        assertEquals(Long.MIN_VALUE, Varints.readVarlong(b, 0, 12));
        assertEquals(10, Varints.lengthOfVarlong(b, 0, 12));
        assertEquals(3, b.position());
        assertEquals(12, b.limit());
        // Absolute writes still respect the limit, as ByteBuffer's own absolute puts do.
        assertThrows(IndexOutOfBoundsException.class, () -> Varints.writeVarlong(b, 11, Long.MIN_VALUE));
    }

    private static void assertIntCompatible(int v) {
        ByteBuffer ours = ByteBuffer.allocate(8);
        int written = Varints.writeVarint(ours, 1, v);
        assertEquals(Varints.sizeOfVarint(v), written, "size of " + v);
        assertEquals(ByteUtils.sizeOfVarint(v), written, "kafka size of " + v);

        ByteBuffer theirs = ByteBuffer.allocate(8);
        theirs.position(1);
        ByteUtils.writeVarint(v, theirs);
        assertEquals(ours, theirs.position(0), "bytes of " + v);
        assertEquals(v, Varints.readVarint(ours, 1, 8), "read " + v);
        assertEquals(written, Varints.lengthOfVarint(ours, 1, 8));
        long packed = Varints.readVarintAndLength(ours, 1, 8);
        assertEquals(v, (int) packed, "packed value of " + v);
        assertEquals(written, (int) (packed >>> 32), "packed length of " + v);
        assertEquals(v, ByteUtils.readVarint(ours.duplicate().position(1)), "kafka reads ours " + v);
        assertEquals(0, ours.position());
    }

    private static void assertLongCompatible(long v) {
        ByteBuffer ours = ByteBuffer.allocate(12);
        int written = Varints.writeVarlong(ours, 1, v);
        assertEquals(Varints.sizeOfVarlong(v), written, "size of " + v);
        assertEquals(ByteUtils.sizeOfVarlong(v), written, "kafka size of " + v);

        ByteBuffer theirs = ByteBuffer.allocate(12);
        theirs.position(1);
        ByteUtils.writeVarlong(v, theirs);
        assertEquals(ours, theirs.position(0), "bytes of " + v);
        assertEquals(v, Varints.readVarlong(ours, 1, 12), "read " + v);
        assertEquals(written, Varints.lengthOfVarlong(ours, 1, 12));
        assertEquals(v, ByteUtils.readVarlong(ours.duplicate().position(1)), "kafka reads ours " + v);
    }
}
