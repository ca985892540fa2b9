package io.fjord.log;

import io.fjord.log.record.RecordBatchBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** retention.ms, retention.bytes and deleteRecords, at their boundaries. */
class RetentionTest {
    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(10_000_000);

    private LogEngine open() {
        return LogEngine.open(EngineConfig.builder(dir).clock(now::get).build());
    }

    /** Five segments of three equal-sized single-record batches, timestamps 1000 * batch index. */
    private static void fill(Partition p) {
        for (int i = 0; i < 15; i++) {
            p.appendBatch(fixedSizeBatch(i, 1000L * i));
        }
    }

    private static ByteBuffer fixedSizeBatch(int i, long timestampMs) {
        ByteBuffer built = new RecordBatchBuilder(128)
                .append(timestampMs, TestRecords.bytes(String.format("k%03d", i)), TestRecords.bytes(String.format("v%03d", i)))
                .build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    private static TopicConfig threeBatchSegments(String... extra) {
        int batchBytes = fixedSizeBatch(0, 1).remaining();
        Map<String, String> configs = new java.util.HashMap<>(Map.of(
                "segment.bytes", Integer.toString(batchBytes * 3), "file.delete.delay.ms", "0"));
        for (int i = 0; i < extra.length; i += 2) {
            configs.put(extra[i], extra[i + 1]);
        }
        return TopicConfig.of(configs);
    }

    @Test
    void retentionMsDeletesSegmentsWhoseNewestRecordIsOlderThanTheLimit() {
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1, threeBatchSegments("retention.ms", "100000"));
            Partition p = engine.partition("t", 0);
            fill(p);
            assertEquals(5, p.log().segmentCount());
            // Segment 0 holds timestamps 0..2000. At exactly retention.ms past 2000 it stays.
            now.set(2000 + 100_000);
            engine.enforceRetention();
            assertEquals(0, p.earliestOffset());
            now.set(2000 + 100_001);
            engine.enforceRetention();
            assertEquals(3, p.earliestOffset());
            assertEquals(4, p.log().segmentCount());
            // Far in the future every segment has expired, but the active one stays.
            now.set(Long.MAX_VALUE / 2);
            engine.enforceRetention();
            assertEquals(1, p.log().segmentCount());
            assertEquals(12, p.earliestOffset());
            assertEquals(15, p.latestOffset());
            assertEquals(3, TestRecords.readAll(p, 12).size());
            assertThrows(OffsetOutOfRangeException.class, () -> p.read(11, 100));
        }
    }

    @Test
    void retentionBytesDeletesOldestSegmentsOverTheLimit() {
        int batchBytes = fixedSizeBatch(0, 1).remaining();
        int segmentBytes = batchBytes * 3;
        try (LogEngine engine = open()) {
            // the log holds 5 segments = 5 * segmentBytes; keep 3 segments' worth exactly
            engine.createTopic("t", 1, threeBatchSegments("retention.bytes", Integer.toString(segmentBytes * 3)));
            Partition p = engine.partition("t", 0);
            fill(p);
            engine.enforceRetention();
            assertEquals(3, p.log().segmentCount());
            assertEquals(6, p.earliestOffset());
            // One byte over the limit: deleting a whole segment would undershoot it, so Kafka keeps it.
            engine.alterTopicConfig("t", threeBatchSegments("retention.bytes", Integer.toString(segmentBytes * 3 - 1)));
            engine.enforceRetention();
            assertEquals(3, p.log().segmentCount());
            engine.alterTopicConfig("t", threeBatchSegments("retention.bytes", Integer.toString(segmentBytes * 2)));
            engine.enforceRetention();
            assertEquals(2, p.log().segmentCount());
            assertEquals(9, p.earliestOffset());
            engine.alterTopicConfig("t", threeBatchSegments("retention.bytes", "0"));
            engine.enforceRetention();
            assertEquals(1, p.log().segmentCount(), "the active segment is never deleted");
        }
    }

    @Test
    void deleteRecordsMovesTheLogStartAndSurvivesRestart() {
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1, threeBatchSegments());
            Partition p = engine.partition("t", 0);
            fill(p);
            p.deleteRecords(4); // inside the second segment
            assertEquals(4, p.earliestOffset());
            assertEquals(4, p.log().segmentCount(), "the first segment is wholly below 4");
            assertThrows(OffsetOutOfRangeException.class, () -> p.read(3, 100));
            assertEquals(4, TestRecords.readAll(p, 4).get(0).offset());
            p.deleteRecords(2); // moving backwards is a no-op
            assertEquals(4, p.earliestOffset());
            assertThrows(OffsetOutOfRangeException.class, () -> p.deleteRecords(16));
            p.deleteRecords(15); // everything
            assertEquals(15, p.earliestOffset());
            assertEquals(0, TestRecords.readAll(p, 15).size());
            assertEquals(1, p.log().segmentCount());
        }
        try (LogEngine engine = open()) {
            Partition p = engine.partition("t", 0);
            assertEquals(15, p.earliestOffset());
            assertEquals(15, p.latestOffset());
            assertEquals(15, p.appendBatch(fixedSizeBatch(15, 1)));
        }
    }
}
