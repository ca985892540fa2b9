package io.fjord.log.record;

import static io.fjord.log.record.RecordBatchDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;

class RecordCursorTest {

    /** One record: key "k" (1 byte), value "vv", one header "h" -> "x". */
    private static ByteBuffer oneRecord() {
        ByteBuffer built = new RecordBatchBuilder(128).baseOffset(100)
            .append(5_000L, Recs.utf8("k"), Recs.utf8("vv"), new RecordHeader("h", Recs.utf8("x")))
            .build();
        return Recs.copyOf(built, built.limit());
    }

    private static RecordCursor cursorAfterCorruption(ByteBuffer buf) {
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        batch.updateCrc(); // corruption a writer produced: the header is consistent, the records are not
        assertEquals(BatchValidation.VALID, batch.validate(buf.limit(), Integer.MAX_VALUE));
        return new RecordCursor().reset(batch);
    }

    private static int indexAfterFirstNext(ByteBuffer buf, java.util.function.ToIntFunction<RecordCursor> f) {
        RecordCursor c = new RecordCursor().reset(new RecordBatch().wrap(buf, 0));
        assertTrue(c.next());
        return f.applyAsInt(c);
    }

    @Test
    void readsFieldsAsAbsoluteIndexes() {
        ByteBuffer buf = oneRecord();
        RecordCursor c = new RecordCursor().reset(new RecordBatch().wrap(buf, 0));
        assertTrue(c.next());
        assertSame(buf, c.buffer());
        assertEquals(100L, c.offset());
        assertEquals(0, c.offsetDelta());
        assertEquals(5_000L, c.timestamp());
        assertEquals(0, c.attributes());
        assertEquals(1, c.keyLength());
        assertEquals('k', buf.get(c.keyOffset()));
        assertEquals(2, c.valueLength());
        assertEquals('v', buf.get(c.valueOffset() + 1));
        assertEquals(RECORDS_OFFSET, c.recordOffset());
        assertEquals(buf.limit() - RECORDS_OFFSET, c.recordSizeInBytes());
        assertEquals(1, c.headersCount());
        assertTrue(c.nextHeader());
        assertEquals("h", c.headerKey());
        assertEquals(1, c.headerKeyLength());
        assertEquals('h', buf.get(c.headerKeyOffset()));
        assertEquals(1, c.headerValueLength());
        assertEquals('x', buf.get(c.headerValueOffset()));
        assertArrayEquals(Recs.utf8("x"), c.headerValue());
        assertFalse(c.nextHeader());
        assertFalse(c.next());
        assertFalse(c.next(), "stays at the end");
    }

    @Test
    void cursorIsReusableAcrossBatches() {
        ByteBuffer a = oneRecord();
        ByteBuffer b = new RecordBatchBuilder(64).append(1L, Recs.utf8("x"), (byte[]) null)
            .append(2L, (byte[]) null, Recs.utf8("y")).build();
        RecordCursor c = new RecordCursor();
        RecordBatch batch = new RecordBatch();
        for (int round = 0; round < 3; round++) {
            c.reset(batch.wrap(a, 0));
            assertTrue(c.next());
            assertFalse(c.next());
            c.reset(batch.wrap(b, 0));
            assertTrue(c.next());
            assertEquals(0, c.headersCount());
            assertFalse(c.nextHeader());
            assertNull(c.valueBytes());
            assertEquals(-1, c.valueLength());
            assertTrue(c.next());
            assertNull(c.keyBytes());
            assertEquals(-1, c.keyLength());
            assertFalse(c.next());
        }
    }

    @Test
    void moreRecordsDeclaredThanPresent() {
        ByteBuffer buf = oneRecord();
        buf.putInt(RECORDS_COUNT_OFFSET, 2);
        buf.putInt(LAST_OFFSET_DELTA_OFFSET, 1);
        RecordCursor c = cursorAfterCorruption(buf);
        assertTrue(c.next());
        // Count says 2, the bytes hold 1: the first record parses, the second finds the batch end.
        CorruptRecordException e = assertThrows(CorruptRecordException.class, c::next);
        assertTrue(e.getMessage().contains("recordsCount 2"), e.getMessage());
        assertTrue(e.getMessage().contains("batch at index 0"), e.getMessage());
    }

    @Test
    void fewerRecordsDeclaredThanPresent() {
        ByteBuffer buf = new RecordBatchBuilder(64).append(1L, Recs.utf8("a"), Recs.utf8("b"))
            .append(2L, Recs.utf8("c"), Recs.utf8("d")).build();
        buf = Recs.copyOf(buf, buf.limit());
        buf.putInt(RECORDS_COUNT_OFFSET, 1);
        buf.putInt(LAST_OFFSET_DELTA_OFFSET, 0);
        RecordCursor c = cursorAfterCorruption(buf);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, c::next);
        assertTrue(e.getMessage().contains("but the batch ends at"), e.getMessage());
    }

    @Test
    void negativeKeyLength() {
        ByteBuffer buf = oneRecord();
        int keyLengthIndex = indexAfterFirstNext(buf, RecordCursor::keyOffset) - 1;
        buf.put(keyLengthIndex, (byte) 0x03); // zigzag 3 = -2
        CorruptRecordException e = assertThrows(CorruptRecordException.class, cursorAfterCorruption(buf)::next);
        assertTrue(e.getMessage().contains("negative key length -2"), e.getMessage());
    }

    @Test
    void keyOverrunsRecord() {
        ByteBuffer buf = oneRecord();
        int keyLengthIndex = indexAfterFirstNext(buf, RecordCursor::keyOffset) - 1;
        buf.put(keyLengthIndex, (byte) 0x7E); // zigzag 126 = 63 bytes, far more than the record holds
        CorruptRecordException e = assertThrows(CorruptRecordException.class, cursorAfterCorruption(buf)::next);
        assertTrue(e.getMessage().contains("key length 63 runs past"), e.getMessage());
    }

    @Test
    void negativeValueLengthOtherThanNull() {
        ByteBuffer buf = oneRecord();
        int valueLengthIndex = indexAfterFirstNext(buf, RecordCursor::valueOffset) - 1;
        buf.put(valueLengthIndex, (byte) 0x05); // -3
        assertThrows(CorruptRecordException.class, cursorAfterCorruption(buf)::next);
    }

    @Test
    void negativeHeaderKeyLength() {
        ByteBuffer buf = oneRecord();
        int c = indexAfterFirstNext(buf, cur -> {
            assertTrue(cur.nextHeader());
            return cur.headerKeyOffset();
        });
        buf.put(c - 1, (byte) 0x01); // -1: header keys may not be null
        CorruptRecordException e = assertThrows(CorruptRecordException.class, cursorAfterCorruption(buf)::next);
        assertTrue(e.getMessage().contains("negative header key length"), e.getMessage());
    }

    @Test
    void recordLengthPastBatchEnd() {
        ByteBuffer buf = oneRecord();
        buf.put(RECORDS_OFFSET, (byte) 0x7E);
        CorruptRecordException e = assertThrows(CorruptRecordException.class, cursorAfterCorruption(buf)::next);
        assertTrue(e.getMessage().contains("record length 63"), e.getMessage());
    }

    @Test
    void recordLengthShorterThanItsFields() {
        ByteBuffer buf = oneRecord();
        byte length = buf.get(RECORDS_OFFSET);
        buf.put(RECORDS_OFFSET, (byte) (length - 2)); // one byte less (zigzag)
        assertThrows(CorruptRecordException.class, cursorAfterCorruption(buf)::next);
    }

    @Test
    void batchClaimingToExtendPastTheBufferIsRejectedAtReset() {
        ByteBuffer buf = oneRecord();
        ByteBuffer cut = Recs.copyOf(buf, buf.limit() - 1);
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
            () -> new RecordCursor().reset(new RecordBatch().wrap(cut, 0)));
        assertTrue(e.getMessage().contains("buffer limit"), e.getMessage());
    }

    @Test
    void logAppendTimeUsesMaxTimestamp() {
        ByteBuffer buf = new RecordBatchBuilder(64).append(10L, Recs.utf8("a"), (byte[]) null)
            .append(20L, Recs.utf8("b"), (byte[]) null).build();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        buf.putShort(ATTRIBUTES_OFFSET, (short) TIMESTAMP_TYPE_MASK);
        batch.maxTimestamp(777L);
        batch.updateCrc();
        RecordCursor c = new RecordCursor().reset(batch);
        while (c.next()) {
            assertEquals(777L, c.timestamp());
        }
    }

    /**
     * Random corruption of the record bytes (header kept consistent) must end in a clean parse or a
     * CorruptRecordException, never an IndexOutOfBoundsException or a hang.
     */
    @Test
    void randomRecordCorruptionOnlyThrowsCorruptRecordException() {
        long seed = TestSeeds.seed();
        SplittableRandom random = new SplittableRandom(seed);
        RecordBatchBuilder builder = new RecordBatchBuilder(1024);
        for (int i = 0; i < 20; i++) {
            builder.append(i * 3L, i % 3 == 0 ? null : new byte[i], new byte[i * 2],
                new RecordHeader("h" + i, i % 2 == 0 ? null : new byte[i]));
        }
        ByteBuffer original = builder.build();
        RecordBatch batch = new RecordBatch();
        RecordCursor cursor = new RecordCursor();
        for (int trial = 0; trial < 5_000; trial++) {
            ByteBuffer buf = Recs.copyOf(original, original.limit());
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int pos = RECORDS_OFFSET + random.nextInt(buf.limit() - RECORDS_OFFSET);
                buf.put(pos, (byte) random.nextInt(256));
            }
            batch.wrap(buf, 0).updateCrc();
            try {
                cursor.reset(batch);
                int guard = 0;
                while (cursor.next()) {
                    while (cursor.nextHeader()) {
                        cursor.headerKey();
                        cursor.headerValue();
                    }
                    cursor.keyBytes();
                    cursor.valueBytes();
                    assertTrue(++guard <= 20, "more records than declared");
                }
            } catch (CorruptRecordException expected) {
                // fine: detected
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " trial " + trial + ": unexpected " + e, e);
            }
        }
    }
}
