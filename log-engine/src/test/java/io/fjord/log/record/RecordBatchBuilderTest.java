package io.fjord.log.record;

import static io.fjord.log.record.RecordBatchDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

class RecordBatchBuilderTest {

    @Test
    void emptyBuildIsRejected() {
        RecordBatchBuilder b = new RecordBatchBuilder(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().contains("no records"), e.getMessage());
        assertEquals(HEADER_SIZE, b.estimatedSizeInBytes());
    }

    @Test
    void resetRestoresDefaults() {
        RecordBatchBuilder b = new RecordBatchBuilder(32).baseOffset(9).producer(1, (short) 2, 3)
            .transactional(true).partitionLeaderEpoch(4);
        b.append(1L, Recs.utf8("k"), Recs.utf8("v"));
        b.reset();
        assertEquals(0, b.recordCount());
        ByteBuffer buf = b.append(50L, (byte[]) null, Recs.utf8("v")).build();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        assertEquals(0L, batch.baseOffset());
        assertEquals(NO_PRODUCER_ID, batch.producerId());
        assertEquals(NO_PRODUCER_EPOCH, batch.producerEpoch());
        assertEquals(NO_SEQUENCE, batch.baseSequence());
        assertEquals(NO_PARTITION_LEADER_EPOCH, batch.partitionLeaderEpoch());
        assertFalse(batch.isTransactional());
        assertFalse(batch.isLogAppendTime());
        assertFalse(batch.isControl());
        assertEquals(COMPRESSION_NONE, batch.compressionId());
        assertEquals(50L, batch.baseTimestamp());
        assertEquals(50L, batch.maxTimestamp());
        assertEquals(1, batch.recordsCount());
        assertEquals(0, batch.lastOffsetDelta());
    }

    @Test
    void builtViewIsBigEndianAtPositionZero() {
        ByteBuffer buf = new RecordBatchBuilder(8).append(1L, Recs.utf8("k"), Recs.utf8("v")).build();
        assertEquals(0, buf.position());
        assertEquals(ByteOrder.BIG_ENDIAN, buf.order());
        assertEquals(buf.limit(), RecordBatch.sizeInBytes(buf, 0));
        assertEquals(MAGIC_V2, buf.get(MAGIC_OFFSET));
    }

    @Test
    void byteBufferAppendLeavesPositionsAlone() {
        ByteBuffer key = ByteBuffer.wrap(Recs.utf8("..key..")).position(2).limit(5);
        ByteBuffer value = ByteBuffer.allocateDirect(10).position(4);
        RecordBatchBuilder b = new RecordBatchBuilder(8).append(7L, key, value);
        assertEquals(2, key.position());
        assertEquals(5, key.limit());
        assertEquals(4, value.position());
        RecordCursor c = new RecordCursor().reset(new RecordBatch().wrap(b.build(), 0));
        assertTrue(c.next());
        assertArrayEquals(Recs.utf8("key"), c.keyBytes());
        assertArrayEquals(new byte[6], c.valueBytes());
        assertEquals(0, c.headersCount());
    }

    @Test
    void timestampsAreDeltasFromTheFirstRecord() {
        RecordBatchBuilder b = new RecordBatchBuilder(8);
        b.append(1_000L, (byte[]) null, (byte[]) null);
        b.append(500L, (byte[]) null, (byte[]) null);
        b.append(Long.MAX_VALUE / 2, (byte[]) null, (byte[]) null);
        RecordBatch batch = new RecordBatch().wrap(b.build(), 0);
        assertEquals(1_000L, batch.baseTimestamp());
        assertEquals(Long.MAX_VALUE / 2, batch.maxTimestamp());
        var records = Recs.readFjord(batch);
        assertEquals(500L, records.get(1).timestamp());
        assertEquals(Long.MAX_VALUE / 2, records.get(2).timestamp());
    }

    @Test
    void growsFromTinyCapacity() {
        RecordBatchBuilder b = new RecordBatchBuilder(1);
        byte[] big = new byte[100_000];
        big[99_999] = 7;
        for (int i = 0; i < 20; i++) {
            b.append(i, big, big);
        }
        ByteBuffer buf = b.build();
        RecordBatch batch = new RecordBatch().wrap(buf, 0);
        assertEquals(BatchValidation.VALID, batch.validate(buf.limit(), Integer.MAX_VALUE));
        assertEquals(20, Recs.readFjord(batch).size());
        assertEquals(7, Recs.readFjord(batch).get(19).value()[99_999]);
    }

    @Test
    void headerKeysMustNotBeNull() {
        assertThrows(NullPointerException.class, () -> new RecordHeader(null, new byte[0]));
    }
}
