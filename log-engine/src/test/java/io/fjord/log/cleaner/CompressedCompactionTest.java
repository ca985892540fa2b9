package io.fjord.log.cleaner;

import io.fjord.log.InvalidRecordException;
import io.fjord.log.KeylessRecordException;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.PartitionLogs;
import io.fjord.log.RecordTooLargeException;
import io.fjord.log.segment.LogSegment;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compressed batches on compacted topics, with Kafka's own record classes as the oracle: Kafka's
 * builder writes the batches (each codec), our cleaner compacts them, and Kafka's reader must find
 * valid CRCs, the batch's codec, its offsets, producer fields and the surviving records.
 */
@Timeout(120)
class CompressedCompactionTest {
    private static final long PRODUCER_ID = 77;
    private static final int RECORDS_PER_BATCH = 8;
    private static final int KEYS = 5;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(10_000_000);

    private static Compression compression(String codec) {
        return Compression.of(CompressionType.forName(codec)).build();
    }

    /** What was written at an offset. */
    private record Written(String key, String value, long timestampMs) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "snappy", "zstd"})
    void compressedBatchesCompactIntoBatchesOfTheSameCodecThatKafkaReads(String codec) throws Exception {
        TreeMap<Long, Written> written = new TreeMap<>();
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted("delete.retention.ms", "5000"));
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            int sequence = 0;
            for (int b = 0; b < 60; b++) {
                SimpleRecord[] records = new SimpleRecord[RECORDS_PER_BATCH];
                long firstOffset = p.latestOffset();
                for (int j = 0; j < RECORDS_PER_BATCH; j++) {
                    int n = b * RECORDS_PER_BATCH + j;
                    String key = "k" + (n % KEYS);
                    String value = n % 7 == 0 ? null : "value-" + n + "-" + "x".repeat(n % 11);
                    records[j] = new SimpleRecord(1_000 + n, bytes(key), bytes(value));
                    written.put(firstOffset + j, new Written(key, value, 1_000 + n));
                }
                ByteBuffer batch = MemoryRecords.withIdempotentRecords(compression(codec), PRODUCER_ID, (short) 0,
                        sequence, records).buffer();
                assertEquals(firstOffset, p.appendBatch(batch));
                sequence += RECORDS_PER_BATCH;
            }
            long activeBase = PartitionLogs.of(p).activeSegment().baseOffset();
            assertTrue(activeBase > written.size() / 2, "most batches are in inactive segments: " + activeBase);
            long bytesBefore = p.sizeBytes();
            assertTrue(engine.cleanLogsNow() > 0);
            assertTrue(p.sizeBytes() < bytesBefore, p.sizeBytes() + " of " + bytesBefore);

            // Below the active segment, the last record of each key in that range survives.
            Map<String, Long> lastOfKey = new HashMap<>();
            written.headMap(activeBase).forEach((offset, w) -> lastOfKey.put(w.key(), offset));
            TreeMap<Long, Written> expected = new TreeMap<>();
            lastOfKey.values().forEach(offset -> expected.put(offset, written.get(offset)));

            TreeMap<Long, Written> kafkaSees = new TreeMap<>();
            int compressedBatches = 0;
            for (MutableRecordBatch batch : batchesBelow(p, activeBase)) {
                assertEquals(PRODUCER_ID, batch.producerId());
                assertEquals(RECORDS_PER_BATCH - 1, batch.lastOffset() - batch.baseOffset(),
                        "the batch keeps its offset range");
                assertEquals(batch.baseOffset(), batch.baseSequence(), "sequences stay with their offsets");
                if (batch.countOrNull() != null && batch.countOrNull() > 0) {
                    assertEquals(CompressionType.forName(codec), batch.compressionType());
                    compressedBatches++;
                }
                for (Record record : batch) {
                    String value = record.hasValue() ? StandardCharsets.UTF_8.decode(record.value()).toString()
                            : null;
                    kafkaSees.put(record.offset(), new Written(StandardCharsets.UTF_8.decode(record.key())
                            .toString(), value, record.timestamp()));
                }
            }
            assertEquals(expected, kafkaSees, codec);
            assertTrue(compressedBatches > 0);

            // A second pass past the delete horizon drops the surviving tombstones, still recompressing.
            now.addAndGet(5_000);
            engine.cleanLogsNow();
            for (MutableRecordBatch batch : batchesBelow(p, activeBase)) {
                for (Record record : batch) {
                    assertTrue(record.hasValue(), "tombstone at " + record.offset() + " outlived its horizon");
                    assertEquals(expected.get(record.offset()), new Written(StandardCharsets.UTF_8
                            .decode(record.key()).toString(), StandardCharsets.UTF_8.decode(record.value())
                            .toString(), record.timestamp()));
                }
            }
        }
    }

    /** The batches of the segments below {@code activeBase}, read and CRC-checked by Kafka's own reader. */
    private static List<MutableRecordBatch> batchesBelow(Partition p, long activeBase) throws IOException {
        List<MutableRecordBatch> batches = new ArrayList<>();
        for (LogSegment segment : PartitionLogs.of(p).segments()) {
            if (segment.baseOffset() >= activeBase) {
                break;
            }
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment.logFile()));
            for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                batch.ensureValid();
                batches.add(batch);
            }
        }
        return batches;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "snappy", "zstd"})
    void aProducersLastCompressedBatchEmptiedByCompactionStaysAsAnEmptyHeader(String codec) throws Exception {
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            ByteBuffer batch = MemoryRecords.withIdempotentRecords(compression(codec), PRODUCER_ID, (short) 3, 40,
                    new SimpleRecord(1, bytes("a"), bytes("1")), new SimpleRecord(2, bytes("b"), bytes("2")),
                    new SimpleRecord(3, bytes("c"), bytes("3"))).buffer();
            assertEquals(0, p.appendBatch(batch));
            for (int i = 0; i < 60; i++) { // later values of the same keys, from a non-idempotent client
                p.append(bytes(String.valueOf((char) ('a' + i % 3))), bytes("later-" + i), 10 + i);
            }
            assertTrue(engine.cleanLogsNow() > 0);
            LogSegment first = PartitionLogs.of(p).segments().get(0);
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(first.logFile()));
            MutableRecordBatch kept = MemoryRecords.readableRecords(bytes).batches().iterator().next();
            kept.ensureValid();
            assertEquals(0, kept.baseOffset());
            assertEquals(2, kept.lastOffset(), "the offset range stays, so the producer's last sequence does");
            assertEquals(0, kept.countOrNull());
            assertEquals(PRODUCER_ID, kept.producerId());
            assertEquals(3, kept.producerEpoch());
            assertEquals(40, kept.baseSequence());
            assertEquals(CompressionType.NONE, kept.compressionType(), "nothing left to compress, as Kafka writes it");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "snappy", "zstd"})
    void aKeylessRecordInsideACompressedBatchIsRefusedOnACompactedTopic(String codec) {
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
            engine.createTopic("plain", 1);
            ByteBuffer batch = MemoryRecords.withRecords(compression(codec),
                    new SimpleRecord(1, bytes("k"), bytes("v")), new SimpleRecord(2, null, bytes("no key"))).buffer();
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            KeylessRecordException e = assertThrows(KeylessRecordException.class, () -> p.appendBatch(batch.duplicate()));
            assertEquals(List.of(1), e.recordErrors().stream().map(r -> r.batchIndex()).toList(), e.getMessage());
            assertTrue(e.getMessage().contains("cannot accept message without key"), e.getMessage());
            assertEquals(0, p.latestOffset());
            // Delete-only topics store compressed batches as they come, keys or not.
            assertEquals(0, engine.partition("plain", 0).appendBatch(batch.duplicate()));
            // With keys, the compacted topic takes it.
            assertEquals(0, p.appendBatch(MemoryRecords.withRecords(compression(codec),
                    new SimpleRecord(1, bytes("k"), bytes("v")), new SimpleRecord(2, bytes("k2"), null)).buffer()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "snappy", "zstd"})
    void aBatchThatDecompressesPastTheLimitIsRefused(String codec) {
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).maxDecompressedBatchBytes(4096)
                .build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted("segment.bytes", "1048576"));
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            ByteBuffer bomb = MemoryRecords.withRecords(compression(codec),
                    new SimpleRecord(1, bytes("k"), new byte[64 * 1024])).buffer();
            assertTrue(bomb.remaining() < 4096, "zeros compress well: " + bomb.remaining());
            RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> p.appendBatch(bomb));
            assertTrue(e.getMessage().contains("decompresses to more than 4096 bytes"), e.getMessage());
            assertEquals(0, p.latestOffset());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "snappy", "zstd"})
    void aCompressedBatchThatDoesNotDecodeIsRefused(String codec) {
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            ByteBuffer batch = MemoryRecords.withRecords(compression(codec),
                    new SimpleRecord(1, bytes("k"), bytes("some value to compress"))).buffer();
            ByteBuffer broken = ByteBuffer.allocate(batch.remaining()).put(batch).flip();
            int records = io.fjord.log.record.RecordBatchDescriptor.RECORDS_OFFSET;
            for (int i = records; i < Math.min(broken.limit(), records + 8); i++) {
                broken.put(i, (byte) 0xA5); // the codec's frame header: no codec accepts this
            }
            new io.fjord.log.record.RecordBatch().wrap(broken, 0).updateCrc(); // the CRC vouches for garbage
            InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> p.appendBatch(broken));
            assertTrue(e.getMessage().contains(codec + " records do not decompress"), e.getMessage());
            assertEquals(0, p.latestOffset());
        }
    }
}
