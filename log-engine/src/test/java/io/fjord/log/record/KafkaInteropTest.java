package io.fjord.log.record;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/** Differential tests with kafka-clients as the oracle, in both directions. */
class KafkaInteropTest {
    private static final byte MAGIC = org.apache.kafka.common.record.internal.RecordBatch.MAGIC_VALUE_V2;

    private static Header kh(String key, String value) {
        return new org.apache.kafka.common.header.internals.RecordHeader(key, Recs.utf8(value));
    }

    // ---------------------------------------------------------------- Kafka writes, Fjord reads

    @Test
    void kafkaBatchWithKeysValuesNullsAndHeaders() {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(4096), MAGIC, Compression.NONE,
            TimestampType.CREATE_TIME, 1000L, RecordBatchDescriptor.NO_TIMESTAMP, 77L, (short) 3, 12, false, 9);
        b.append(5_000L, Recs.utf8("k1"), Recs.utf8("v1"));
        b.append(4_000L, null, Recs.utf8("no key"));
        b.append(6_000L, Recs.utf8("no value"), null);
        b.append(5_500L, (byte[]) null, (byte[]) null);
        b.append(5_600L, new byte[0], new byte[0], new Header[] {kh("h1", "x"), kh("h2", null), kh("", "")});
        b.append(-1L, Recs.utf8("ünïcödé"), new byte[1000], new Header[] {kh("ключ", "значение")});
        assertKafkaBatchesMatch(b.build().buffer());
    }

    @Test
    void kafkaWithRecordsIdempotentAndTransactional() {
        SimpleRecord[] recs = {
            new SimpleRecord(10L, Recs.utf8("a"), Recs.utf8("1")),
            new SimpleRecord(20L, null, Recs.utf8("2"), new Header[] {kh("h", "v")}),
            new SimpleRecord(15L, Recs.utf8("c"), null)};
        assertKafkaBatchesMatch(MemoryRecords.withRecords(Compression.NONE, recs).buffer());
        assertKafkaBatchesMatch(MemoryRecords.withRecords(42L, Compression.NONE, 5, recs).buffer());
        assertKafkaBatchesMatch(
            MemoryRecords.withIdempotentRecords(Compression.NONE, 123L, (short) 7, 1000, recs).buffer());
        assertKafkaBatchesMatch(
            MemoryRecords.withTransactionalRecords(Compression.NONE, 9L, (short) 1, Integer.MAX_VALUE - 1, recs)
                .buffer());
    }

    @Test
    void kafkaLogAppendTimeBatch() {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024), MAGIC, Compression.NONE,
            TimestampType.LOG_APPEND_TIME, 0L, 1_700_000_000_000L, -1L, (short) -1, -1, false, 2);
        b.append(1L, Recs.utf8("k"), Recs.utf8("v"));
        b.append(2L, Recs.utf8("k2"), Recs.utf8("v2"));
        ByteBuffer buf = b.build().buffer();
        RecordBatch ours = new RecordBatch().wrap(buf, 0);
        assertTrue(ours.isLogAppendTime());
        assertEquals(1_700_000_000_000L, ours.maxTimestamp());
        for (Recs.Rec r : Recs.readFjord(ours)) {
            assertEquals(1_700_000_000_000L, r.timestamp());
        }
        assertKafkaBatchesMatch(buf);
    }

    @Test
    void kafkaManyRecordsAndSeveralBatchesInOneBuffer() {
        ByteBuffer all = ByteBuffer.allocate(4 << 20);
        long nextOffset = 0;
        for (int batchNo = 0; batchNo < 5; batchNo++) {
            MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024), MAGIC, Compression.NONE,
                TimestampType.CREATE_TIME, nextOffset, -1L, -1L, (short) -1, -1, false, batchNo);
            int count = batchNo == 2 ? 10_000 : 1 + batchNo * 3;
            for (int i = 0; i < count; i++) {
                b.append(1_000_000L + i * 7L - (i % 3) * 1000L, Recs.utf8("key-" + i),
                    i % 5 == 0 ? null : Recs.utf8("value-" + i + "-".repeat(i % 50)));
            }
            ByteBuffer one = b.build().buffer();
            nextOffset += count;
            all.put(one);
        }
        all.flip();
        int batches = assertKafkaBatchesMatch(all);
        assertEquals(5, batches);
    }

    @Test
    void compressedKafkaBatchHeaderParsesButCursorRefuses() {
        for (Compression c : List.of(Compression.gzip().build(), Compression.lz4().build())) {
            MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(4096), MAGIC, c,
                TimestampType.CREATE_TIME, 100L, -1L, 5L, (short) 0, 0, false, 1);
            for (int i = 0; i < 50; i++) {
                b.append(1000L + i, Recs.utf8("k" + i), Recs.utf8("value value value " + i));
            }
            ByteBuffer buf = b.build().buffer();
            RecordBatch ours = new RecordBatch().wrap(buf, 0);
            MutableRecordBatch theirs = MemoryRecords.readableRecords(buf.duplicate()).batches().iterator().next();
            assertEquals(BatchValidation.VALID, ours.validate(buf.remaining(), Integer.MAX_VALUE));
            assertHeaderEquals(theirs, ours);
            assertEquals(theirs.compressionType().id, ours.compressionId());
            assertTrue(ours.isCompressed());
            assertEquals(50, ours.recordsCount());
            UnsupportedOperationException e =
                assertThrows(UnsupportedOperationException.class, () -> new RecordCursor().reset(ours));
            assertTrue(e.getMessage().startsWith("compressed batches (codec " + ours.compressionId()),
                e.getMessage());
            assertTrue(e.getMessage().contains(theirs.compressionType().name), e.getMessage());
        }
    }

    /** Walks {@code buf} with both implementations; returns the number of batches. */
    private static int assertKafkaBatchesMatch(ByteBuffer buf) {
        Iterator<MutableRecordBatch> theirs = MemoryRecords.readableRecords(buf.duplicate()).batches().iterator();
        RecordBatch ours = new RecordBatch();
        int index = buf.position();
        int count = 0;
        while (index < buf.limit()) {
            ours.wrap(buf, index);
            assertEquals(BatchValidation.VALID, ours.validate(buf.limit() - index, Integer.MAX_VALUE));
            MutableRecordBatch kafka = theirs.next();
            assertHeaderEquals(kafka, ours);
            assertEquals(Recs.render(Recs.readKafka(kafka)), Recs.render(Recs.readFjord(ours)),
                "records of batch " + count);
            assertEquals(ours.sizeInBytes(), RecordBatch.sizeInBytes(buf, index));
            index += ours.sizeInBytes();
            count++;
        }
        assertFalse(theirs.hasNext());
        return count;
    }

    static void assertHeaderEquals(MutableRecordBatch kafka, RecordBatch ours) {
        DefaultRecordBatch k = (DefaultRecordBatch) kafka;
        assertEquals(k.baseOffset(), ours.baseOffset(), "baseOffset");
        assertEquals(k.sizeInBytes(), ours.sizeInBytes(), "sizeInBytes");
        assertEquals(k.partitionLeaderEpoch(), ours.partitionLeaderEpoch(), "partitionLeaderEpoch");
        assertEquals(k.magic(), ours.magic(), "magic");
        assertEquals(k.checksum(), ours.crc(), "crc");
        assertEquals(k.checksum(), ours.computeCrc(), "computed crc");
        assertEquals(k.compressionType().id, ours.compressionId(), "compression");
        assertEquals(k.timestampType() == TimestampType.LOG_APPEND_TIME, ours.isLogAppendTime(), "timestampType");
        assertEquals(k.isTransactional(), ours.isTransactional(), "transactional");
        assertEquals(k.isControlBatch(), ours.isControl(), "control");
        assertEquals(k.deleteHorizonMs().isPresent(), ours.hasDeleteHorizon(), "deleteHorizon");
        assertEquals(k.lastOffset(), ours.lastOffset(), "lastOffset");
        assertEquals(k.nextOffset(), ours.nextOffset(), "nextOffset");
        assertEquals(k.baseTimestamp(), ours.baseTimestamp(), "baseTimestamp");
        assertEquals(k.maxTimestamp(), ours.maxTimestamp(), "maxTimestamp");
        assertEquals(k.producerId(), ours.producerId(), "producerId");
        assertEquals(k.producerEpoch(), ours.producerEpoch(), "producerEpoch");
        assertEquals(k.baseSequence(), ours.baseSequence(), "baseSequence");
        assertEquals(k.lastSequence(), ours.lastSequence(), "lastSequence");
        assertEquals(k.countOrNull().intValue(), ours.recordsCount(), "recordsCount");
    }

    // ---------------------------------------------------------------- Fjord writes, Kafka reads

    @Test
    void fjordBatchReadByKafka() {
        RecordBatchBuilder b = new RecordBatchBuilder(64)
            .baseOffset(500L).producer(31L, (short) 2, 40).transactional(true).partitionLeaderEpoch(6);
        b.append(2_000L, Recs.utf8("k1"), Recs.utf8("v1"));
        b.append(1_000L, null, Recs.utf8("v2"), new RecordHeader("a", Recs.utf8("b")), new RecordHeader("n", null));
        b.append(3_000L, Recs.utf8("k3"), null);
        b.append(2_500L, ByteBuffer.wrap(Recs.utf8("xxbbkeyyy")).position(4).limit(7), null);
        b.append(2_600L, (ByteBuffer) null, ByteBuffer.allocateDirect(3));
        ByteBuffer built = b.build();
        assertEquals(0, built.position());
        assertEquals(b.estimatedSizeInBytes(), built.limit());

        MutableRecordBatch kafka = MemoryRecords.readableRecords(built.duplicate()).batches().iterator().next();
        assertTrue(kafka.isValid());
        kafka.ensureValid();
        assertEquals(500L, kafka.baseOffset());
        assertEquals(504L, kafka.lastOffset());
        assertEquals(6, kafka.partitionLeaderEpoch());
        assertEquals(31L, kafka.producerId());
        assertEquals((short) 2, kafka.producerEpoch());
        assertEquals(40, kafka.baseSequence());
        assertEquals(44, kafka.lastSequence());
        assertTrue(kafka.isTransactional());
        assertFalse(kafka.isControlBatch());
        assertEquals(TimestampType.CREATE_TIME, kafka.timestampType());
        assertEquals(3_000L, kafka.maxTimestamp());
        assertEquals(2_000L, ((DefaultRecordBatch) kafka).baseTimestamp());
        assertEquals(5, kafka.countOrNull());

        List<Recs.Rec> expected = List.of(
            new Recs.Rec(500, 2_000, Recs.utf8("k1"), Recs.utf8("v1"), List.of()),
            new Recs.Rec(501, 1_000, null, Recs.utf8("v2"),
                List.of(new Recs.Hdr("a", Recs.utf8("b")), new Recs.Hdr("n", null))),
            new Recs.Rec(502, 3_000, Recs.utf8("k3"), null, List.of()),
            new Recs.Rec(503, 2_500, Recs.utf8("key"), null, List.of()),
            new Recs.Rec(504, 2_600, null, new byte[3], List.of()));
        assertEquals(Recs.render(expected), Recs.render(Recs.readKafka(kafka)));
        assertHeaderEquals(kafka, new RecordBatch().wrap(built, 0));
    }

    @Test
    void fjordAndKafkaBuildIdenticalBytes() {
        RecordBatchBuilder ours = new RecordBatchBuilder(16).baseOffset(7L).producer(99L, (short) 4, 17)
            .partitionLeaderEpoch(3);
        MemoryRecordsBuilder theirs = MemoryRecords.builder(ByteBuffer.allocate(64), MAGIC, Compression.NONE,
            TimestampType.CREATE_TIME, 7L, -1L, 99L, (short) 4, 17, false, 3);
        List<Header[]> headerSets = new ArrayList<>();
        headerSets.add(new Header[0]);
        headerSets.add(new Header[] {kh("trace", "abc"), kh("null", null)});
        for (int i = 0; i < 300; i++) {
            long ts = 1_650_000_000_000L + (i * 37L % 1000) - 500;
            byte[] key = i % 7 == 0 ? null : Recs.utf8("key" + i);
            byte[] value = i % 11 == 0 ? null : new byte[i * 3];
            Header[] kHeaders = headerSets.get(i % 2);
            RecordHeader[] fHeaders = new RecordHeader[kHeaders.length];
            for (int h = 0; h < kHeaders.length; h++) {
                fHeaders[h] = new RecordHeader(kHeaders[h].key(), kHeaders[h].value());
            }
            ours.append(ts, key, value, fHeaders);
            theirs.append(ts, key, value, kHeaders);
        }
        assertEquals(theirs.build().buffer(), ours.build(), "byte-for-byte identical batches");
    }
}
