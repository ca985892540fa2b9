package io.fjord.log.record;

import static io.fjord.log.record.RecordBatchDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;

class RecordBatchValidationTest {
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private static ByteBuffer sampleBatch() {
        RecordBatchBuilder b = new RecordBatchBuilder(256).baseOffset(10).producer(5L, (short) 1, 0);
        b.append(1_000L, Recs.utf8("key"), Recs.utf8("value"), new RecordHeader("h", Recs.utf8("v")));
        b.append(1_001L, null, Recs.utf8("second"));
        b.append(999L, Recs.utf8("third"), null);
        ByteBuffer built = b.build();
        return Recs.copyOf(built, built.limit());
    }

    @Test
    void validBatch() {
        ByteBuffer buf = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        assertEquals(BatchValidation.VALID, batch.validate(buf.limit(), NO_LIMIT));
        assertTrue(batch.validate(buf.limit(), buf.limit()).isValid());
        assertEquals(batch.crc(), batch.computeCrc());
    }

    @Test
    void truncatedAtEveryLength() {
        ByteBuffer full = sampleBatch();
        RecordBatch batch = new RecordBatch();
        for (int length = 0; length < full.limit(); length++) {
            // Both a buffer that physically ends early and a full buffer with fewer bytes declared available.
            ByteBuffer cut = Recs.copyOf(full, length);
            BatchValidation physical = batch.wrap(cut, 0).validate(full.limit(), NO_LIMIT);
            BatchValidation declared = batch.wrap(full, 0).validate(length, NO_LIMIT);
            assertEquals(BatchValidation.TRUNCATED, physical, "physically cut at " + length);
            assertEquals(BatchValidation.TRUNCATED, declared, "declared available " + length);
        }
    }

    @Test
    void everySingleBitFlipIsClassified() {
        ByteBuffer original = sampleBatch();
        int size = original.limit();
        RecordBatch batch = new RecordBatch();
        for (int pos = 0; pos < size; pos++) {
            if (pos >= BATCH_LENGTH_OFFSET && pos < PARTITION_LEADER_EPOCH_OFFSET) {
                continue; // batchLengthFlipsAreNeverValid
            }
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer flipped = Recs.copyOf(original, size);
                flipped.put(pos, (byte) (flipped.get(pos) ^ (1 << bit)));
                String where = "bit " + bit + " of byte " + pos;
                BatchValidation result = assertDoesNotThrow(() -> batch.wrap(flipped, 0).validate(size, NO_LIMIT));
                assertEquals(expectedForFlip(pos), result, where);
            }
        }
    }

    /**
     * Which outcome a single flipped bit must produce. CRC-32C detects every single-bit error in the range it
     * covers (@21..end); the first 21 bytes are checked by other rules or deliberately not at all:
     * baseOffset and partitionLeaderEpoch are rewritten by the leader, so a flip there is a different but valid
     * batch. batchLength is not covered by the CRC, but it decides the CRC range: a smaller length checksums
     * fewer bytes (mismatch), a larger one exceeds the available bytes (TRUNCATED) or, for a flip of the sign
     * bit, is negative (INVALID_LENGTH). So no batchLength flip can be VALID.
     */
    private static BatchValidation expectedForFlip(int pos) {
        if (pos < BATCH_LENGTH_OFFSET) {
            return BatchValidation.VALID; // baseOffset
        }
        if (pos < PARTITION_LEADER_EPOCH_OFFSET) {
            throw new IllegalArgumentException("batchLength flips are asserted in batchLengthFlipsAreNeverValid");
        }
        if (pos < MAGIC_OFFSET) {
            return BatchValidation.VALID; // partitionLeaderEpoch
        }
        if (pos == MAGIC_OFFSET) {
            return BatchValidation.INVALID_MAGIC;
        }
        if ((pos >= LAST_OFFSET_DELTA_OFFSET && pos < BASE_TIMESTAMP_OFFSET)
            || (pos >= RECORDS_COUNT_OFFSET && pos < RECORDS_OFFSET)) {
            return BatchValidation.INVALID_RECORD_COUNT; // count checked before the CRC
        }
        return BatchValidation.INVALID_CRC; // crc field itself, attributes, other header fields, records
    }

    @Test
    void batchLengthFlipsAreNeverValid() {
        ByteBuffer original = sampleBatch();
        int size = original.limit();
        RecordBatch batch = new RecordBatch();
        for (int pos = BATCH_LENGTH_OFFSET; pos < PARTITION_LEADER_EPOCH_OFFSET; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                // Extra room after the batch so a larger length can "still fit" and reach the CRC check.
                ByteBuffer flipped = ByteBuffer.allocate(size + 4096);
                flipped.put(0, original, 0, size);
                flipped.put(pos, (byte) (flipped.get(pos) ^ (1 << bit)));
                int length = batch.wrap(flipped, 0).batchLength();
                BatchValidation tight = batch.validate(size, NO_LIMIT);
                BatchValidation roomy = batch.validate(flipped.limit(), NO_LIMIT);
                String where = "bit " + bit + " of byte " + pos + " -> batchLength " + length;
                assertFalse(tight.isValid(), where + " tight " + tight);
                assertFalse(roomy.isValid(), where + " roomy " + roomy);
                if (length < MIN_BATCH_LENGTH) {
                    assertEquals(BatchValidation.INVALID_LENGTH, tight, where);
                } else if (length + LOG_OVERHEAD > size) {
                    assertEquals(BatchValidation.TRUNCATED, tight, where);
                } else {
                    assertEquals(BatchValidation.INVALID_CRC, tight, where);
                }
            }
        }
    }

    @Test
    void invalidLength() {
        ByteBuffer buf = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        int size = buf.limit();
        assertEquals(BatchValidation.INVALID_LENGTH, batch.validate(size, size - 1), "over maxBatchBytes");
        assertEquals(BatchValidation.INVALID_LENGTH, batch.validate(LOG_OVERHEAD, size - 1),
            "length is judged before availability");
        buf.putInt(BATCH_LENGTH_OFFSET, MIN_BATCH_LENGTH - 1);
        assertEquals(BatchValidation.INVALID_LENGTH, batch.validate(size, NO_LIMIT));
        buf.putInt(BATCH_LENGTH_OFFSET, -5);
        assertEquals(BatchValidation.INVALID_LENGTH, batch.validate(size, NO_LIMIT));
        buf.putInt(BATCH_LENGTH_OFFSET, Integer.MAX_VALUE);
        assertEquals(BatchValidation.INVALID_LENGTH, batch.validate(size, NO_LIMIT), "12 + MAX must not overflow");
        buf.putInt(BATCH_LENGTH_OFFSET, Integer.MAX_VALUE - LOG_OVERHEAD);
        assertEquals(BatchValidation.TRUNCATED, batch.validate(size, NO_LIMIT));
    }

    @Test
    void invalidMagic() {
        ByteBuffer buf = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        for (byte magic : new byte[] {0, 1, 3, -1}) {
            buf.put(MAGIC_OFFSET, magic);
            assertEquals(BatchValidation.INVALID_MAGIC, batch.validate(buf.limit(), NO_LIMIT), "magic " + magic);
        }
    }

    @Test
    void invalidRecordCountEvenWithCorrectCrc() {
        ByteBuffer buf = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        buf.putInt(RECORDS_COUNT_OFFSET, 4);
        batch.updateCrc();
        assertEquals(BatchValidation.INVALID_RECORD_COUNT, batch.validate(buf.limit(), NO_LIMIT));
        buf.putInt(RECORDS_COUNT_OFFSET, -1);
        buf.putInt(LAST_OFFSET_DELTA_OFFSET, -2);
        batch.updateCrc();
        assertEquals(BatchValidation.INVALID_RECORD_COUNT, batch.validate(buf.limit(), NO_LIMIT), "negative count");
        buf.putInt(RECORDS_COUNT_OFFSET, Integer.MIN_VALUE);
        buf.putInt(LAST_OFFSET_DELTA_OFFSET, Integer.MAX_VALUE);
        batch.updateCrc();
        assertEquals(BatchValidation.INVALID_RECORD_COUNT, batch.validate(buf.limit(), NO_LIMIT),
            "MAX + 1 must not overflow into MIN");
    }

    @Test
    void invalidCrc() {
        ByteBuffer buf = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        buf.putInt(CRC_OFFSET, buf.getInt(CRC_OFFSET) + 1);
        assertEquals(BatchValidation.INVALID_CRC, batch.validate(buf.limit(), NO_LIMIT));
        batch.updateCrc();
        assertEquals(BatchValidation.VALID, batch.validate(buf.limit(), NO_LIMIT));
    }

    @Test
    void availableBytesBeyondTheBufferAreClampedNotThrown() {
        ByteBuffer buf = sampleBatch();
        ByteBuffer cut = Recs.copyOf(buf, 30);
        RecordBatch batch = new RecordBatch().wrap(cut, 0);
        assertEquals(BatchValidation.TRUNCATED, batch.validate(NO_LIMIT, NO_LIMIT));
        assertEquals(BatchValidation.TRUNCATED, batch.wrap(cut, 25).validate(NO_LIMIT, NO_LIMIT));
        assertEquals(BatchValidation.TRUNCATED, batch.wrap(cut, 30).validate(NO_LIMIT, NO_LIMIT));
    }

    @Test
    void patchingBaseOffsetAndLeaderEpochKeepsBatchValid() {
        ByteBuffer buf = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        long crcBefore = batch.crc();
        batch.baseOffset(1L << 40);
        batch.partitionLeaderEpoch(12345);
        assertEquals(BatchValidation.VALID, batch.validate(buf.limit(), NO_LIMIT));
        assertEquals(crcBefore, batch.crc());
        assertEquals(1L << 40, batch.baseOffset());
        assertEquals((1L << 40) + 2, batch.lastOffset());
        assertEquals(12345, batch.partitionLeaderEpoch());

        MutableRecordBatch kafka = MemoryRecords.readableRecords(buf.duplicate()).batches().iterator().next();
        kafka.ensureValid();
        assertEquals(1L << 40, kafka.baseOffset());
        assertEquals(12345, kafka.partitionLeaderEpoch());
        assertEquals((1L << 40) + 1, Recs.readFjord(batch).get(1).offset());
    }

    @Test
    void maxTimestampIsInsideTheCrc() {
        ByteBuffer buf = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        batch.maxTimestamp(9_999L);
        assertEquals(BatchValidation.INVALID_CRC, batch.validate(buf.limit(), NO_LIMIT));
        batch.updateCrc();
        assertEquals(BatchValidation.VALID, batch.validate(buf.limit(), NO_LIMIT));
        MutableRecordBatch kafka = MemoryRecords.readableRecords(buf.duplicate()).batches().iterator().next();
        kafka.ensureValid();
        assertEquals(9_999L, kafka.maxTimestamp());
    }

    @Test
    void worksOnLittleEndianDirectAndReadOnlyViewsWithoutTouchingThem() {
        ByteBuffer heap = sampleBatch();
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.limit() + 20);
        direct.put(20, heap, 0, heap.limit());
        ByteBuffer[] views = {
            heap.duplicate().order(ByteOrder.LITTLE_ENDIAN),
            heap.asReadOnlyBuffer(),
            heap.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN),
            direct.duplicate().order(ByteOrder.LITTLE_ENDIAN),
            direct.asReadOnlyBuffer()};
        int[] offsets = {0, 0, 0, 20, 20};
        RecordBatch reference = new RecordBatch().wrap(heap, 0);
        String expectedRecords = Recs.render(Recs.readFjord(reference));
        for (int i = 0; i < views.length; i++) {
            ByteBuffer view = views[i];
            view.position(3); // a position the flyweight must neither use nor move
            ByteOrder order = view.order();
            int position = view.position();
            int limit = view.limit();
            RecordBatch batch = new RecordBatch().wrap(view, offsets[i]);
            assertEquals(BatchValidation.VALID, batch.validate(limit - offsets[i], NO_LIMIT), "view " + i);
            assertEquals(reference.baseOffset(), batch.baseOffset());
            assertEquals(reference.crc(), batch.crc());
            assertEquals(reference.computeCrc(), batch.computeCrc());
            assertEquals(reference.attributes(), batch.attributes());
            assertEquals(reference.producerEpoch(), batch.producerEpoch());
            assertEquals(reference.producerId(), batch.producerId());
            assertEquals(reference.maxTimestamp(), batch.maxTimestamp());
            assertEquals(reference.sizeInBytes(), RecordBatch.sizeInBytes(view, offsets[i]));
            assertEquals(expectedRecords, Recs.render(Recs.readFjord(batch)), "view " + i);
            assertEquals(position, view.position());
            assertEquals(limit, view.limit());
            assertEquals(order, view.order());
        }
    }

    @Test
    void patchesOnALittleEndianViewAreWrittenBigEndian() {
        ByteBuffer heap = sampleBatch();
        RecordBatch batch = new RecordBatch().wrap(heap.duplicate().order(ByteOrder.LITTLE_ENDIAN), 0);
        batch.baseOffset(0x0102030405060708L);
        batch.partitionLeaderEpoch(0x0A0B0C0D);
        assertEquals(0x0102030405060708L, heap.getLong(BASE_OFFSET_OFFSET));
        assertEquals(0x0A0B0C0D, heap.getInt(PARTITION_LEADER_EPOCH_OFFSET));
        batch.maxTimestamp(77L);
        batch.updateCrc();
        assertEquals(77L, heap.getLong(MAX_TIMESTAMP_OFFSET));
        assertEquals(BatchValidation.VALID, new RecordBatch().wrap(heap, 0).validate(heap.limit(), NO_LIMIT));
    }

    @Test
    void lastSequenceWrapsLikeKafka() {
        RecordBatchBuilder b = new RecordBatchBuilder(64).producer(1L, (short) 0, Integer.MAX_VALUE - 1);
        for (int i = 0; i < 4; i++) {
            b.append(i, (byte[]) null, (byte[]) null);
        }
        ByteBuffer buf = b.build();
        RecordBatch ours = new RecordBatch().wrap(buf, 0);
        MutableRecordBatch kafka = MemoryRecords.readableRecords(buf.duplicate()).batches().iterator().next();
        assertEquals(kafka.lastSequence(), ours.lastSequence());
        assertEquals(1, ours.lastSequence());
        ByteBuffer noProducer = new RecordBatchBuilder(64).append(1L, (byte[]) null, (byte[]) null).append(2L, (byte[]) null, (byte[]) null).build();
        assertEquals(NO_SEQUENCE, new RecordBatch().wrap(noProducer, 0).lastSequence());
    }
}
