package io.fjord.log;

import io.fjord.log.record.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The four roll rules: segment.bytes, segment.ms, a full index, a relative offset overflow. */
class SegmentRollTest {
    @TempDir
    Path dir;

    private List<Long> segmentBases(String topicPartition) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(topicPartition))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log"))
                    .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }

    @Test
    void rollsWhenTheNextBatchWouldPassSegmentBytes() throws IOException {
        int batchBytes = TestRecords.batch(0, 1, 1).remaining();
        int segmentBytes = batchBytes * 3 + batchBytes / 2; // room for three batches, not four
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.bytes", Integer.toString(segmentBytes))));
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < 10; i++) {
                p.appendBatch(TestRecords.batch(i, 1, 1));
            }
        }
        assertEquals(List.of(0L, 3L, 6L, 9L), segmentBases("t-0"));
        for (long base : segmentBases("t-0")) {
            long size = Files.size(dir.resolve("t-0").resolve(String.format("%020d.log", base)));
            assertTrue(size <= segmentBytes, "segment " + base + " has " + size + " bytes");
        }
    }

    @Test
    void aBatchLargerThanASegmentIsRefused() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.bytes", "200")));
            Partition p = engine.partition("t", 0);
            RecordTooLargeException e = org.junit.jupiter.api.Assertions.assertThrows(RecordTooLargeException.class,
                    () -> p.appendBatch(TestRecords.batchOfSize(300, 1)));
            assertTrue(e.getMessage().contains("segment.bytes"), e.getMessage());
        }
    }

    @Test
    void rollsAfterSegmentMsOnTheNextAppend() throws IOException {
        AtomicLong now = new AtomicLong(1_000_000);
        EngineConfig config = EngineConfig.builder(dir).clock(now::get).build();
        try (LogEngine engine = LogEngine.open(config)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.ms", "60000")));
            Partition p = engine.partition("t", 0);
            p.appendBatch(TestRecords.batch(0, 1, 1));
            now.addAndGet(60_000); // exactly segment.ms: not yet
            p.appendBatch(TestRecords.batch(1, 1, 1));
            assertEquals(List.of(0L), segmentBases("t-0"));
            now.addAndGet(1);
            p.appendBatch(TestRecords.batch(2, 1, 1));
            assertEquals(List.of(0L, 2L), segmentBases("t-0"));
            now.addAndGet(10 * 60_000); // time alone never rolls an empty segment
            p.appendBatch(TestRecords.batch(3, 1, 1));
            assertEquals(List.of(0L, 2L, 3L), segmentBases("t-0"));
            assertEquals(4, TestRecords.readAll(p, 0).size());
        }
    }

    @Test
    void rollsWhenAnIndexIsFull() throws IOException {
        // 48-byte indexes: 6 offset entries, 4 time entries of which Kafka keeps one for the roll.
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.index.bytes", "48", "index.interval.bytes", "0")));
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < 40; i++) {
                p.appendBatch(TestRecords.batch(i, 1, 1000 + i));
            }
            assertEquals(40, TestRecords.readAll(p, 0).size());
            for (int offset = 0; offset < 40; offset++) {
                assertEquals(offset, TestRecords.readAll(p, offset).get(0).offset());
                assertEquals(offset, p.offsetForTimestamp(1000 + offset));
            }
        }
        List<Long> bases = segmentBases("t-0");
        assertTrue(bases.size() >= 40 / 5, "segments " + bases);
        for (long base : bases) {
            long timeIndexBytes = Files.size(dir.resolve("t-0").resolve(String.format("%020d.timeindex", base)));
            assertTrue(timeIndexBytes <= 48, "time index of " + base + " has " + timeIndexBytes + " bytes");
        }
    }

    /**
     * Offsets inside a segment are stored as 32-bit deltas from its base, and the log rolls before a
     * batch's offsets would overflow them. Reaching that takes 2^31 real records in one segment: a
     * batch that merely claims 2^30 records (a gzip-flagged batch holding one plain record) used to
     * be stored and is now refused, because every produced batch's records are walked and counted.
     */
    @Test
    void aBatchClaimingRecordsItDoesNotHoldIsRefused() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            assertThrows(InvalidRecordException.class, () -> p.appendBatch(claimingBatch(1 << 30)));
            assertEquals(0, p.latestOffset());
        }
    }

    private static ByteBuffer claimingBatch(int records) {
        ByteBuffer batch = TestRecords.batch(0, 1, 1);
        batch.putShort(21, (short) 1); // attributes: gzip
        batch.putInt(23, records - 1); // lastOffsetDelta
        batch.putInt(57, records); // recordsCount
        new RecordBatch().wrap(batch, 0).updateCrc();
        return batch;
    }
}
