package io.fjord.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.log.record.Varints;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/**
 * The codec's varints are log-engine's {@link Varints} (whose edge values are tested in VarintsTest):
 * this checks the codec's wiring, that both writables and the reader move their cursors by the encoded
 * length and that a malformed varint surfaces as {@link MalformedMessageException}.
 */
class CodecVarintTest {
    private static final int[] INTS = {0, -1, 1, 63, 64, 300, Integer.MIN_VALUE, Integer.MAX_VALUE};
    private static final long[] LONGS = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE};

    @Test
    void bothWritablesRoundTripThroughTheReader() {
        ByteBuffer direct = ByteBuffer.allocate(256);
        SegmentedWritable segmented = new SegmentedWritable(16);
        for (Writable out : new Writable[] {new ByteBufferWritable(direct), segmented}) {
            for (int v : INTS) {
                out.writeVarint(v);
                out.writeUnsignedVarint(v);
                out.writeByte((byte) 0x55); // a marker: the cursor moved by exactly the varint's length
            }
            for (long v : LONGS) {
                out.writeVarlong(v);
                out.writeByte((byte) 0x55);
            }
        }
        direct.flip();
        ByteBuffer joined = ByteBuffer.allocate(segmented.sizeInBytes());
        for (SegmentedWritable.Part part : segmented.parts()) {
            joined.put(((SegmentedWritable.EncodedBytes) part).bytes().duplicate());
        }
        joined.flip();
        assertEquals(direct, joined, "both writables encode the same bytes");

        Readable in = new Readable(direct);
        int expectedSize = 0;
        for (int v : INTS) {
            assertEquals(v, in.readVarint());
            assertEquals(v, in.readUnsignedVarint());
            assertEquals(0x55, in.readByte());
            expectedSize += Sizes.varint(v) + Sizes.unsignedVarint(v) + 1;
        }
        for (long v : LONGS) {
            assertEquals(v, in.readVarlong());
            assertEquals(0x55, in.readByte());
            expectedSize += Sizes.varlong(v) + 1;
        }
        assertEquals(0, in.remaining());
        assertEquals(expectedSize, direct.limit(), "Sizes agrees with what was written");
    }

    @Test
    void overLongAndTruncatedVarintsAreMalformed() {
        byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> new Readable(ByteBuffer.wrap(sixBytes)).readUnsignedVarint());
        assertTrue(e.getMessage().contains("longer than 5"), e.getMessage());
        assertThrows(MalformedMessageException.class, () -> new Readable(ByteBuffer.wrap(sixBytes)).readVarint());

        byte[] elevenBytes = new byte[11];
        java.util.Arrays.fill(elevenBytes, 0, 10, (byte) 0x80);
        e = assertThrows(MalformedMessageException.class,
                () -> new Readable(ByteBuffer.wrap(elevenBytes)).readVarlong());
        assertTrue(e.getMessage().contains("longer than 10"), e.getMessage());

        // The frame ends inside the varint: never read past the frame's limit.
        ByteBuffer truncated = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80, 0x01}).limit(2);
        e = assertThrows(MalformedMessageException.class, () -> new Readable(truncated).readUnsignedVarint());
        assertTrue(e.getMessage().contains("limit 2"), e.getMessage());
        assertThrows(MalformedMessageException.class, () -> new Readable(truncated).readVarlong());
    }

    @Test
    void theReaderStartsAtTheBufferPositionAndLeavesItAlone() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {0x7F, (byte) 0xD8, 0x04, 0x00});
        buffer.position(1);
        Readable in = new Readable(buffer);
        assertEquals(300, in.readVarint());
        assertEquals(3, in.position());
        assertEquals(1, buffer.position());
    }
}
