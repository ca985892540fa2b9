package io.fjord.log.cleaner;

import io.fjord.log.EngineConfig;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.InvalidRecordException;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.PartitionLogs;
import io.fjord.log.TestRecords;
import io.fjord.log.TopicConfig;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.segment.LogSegment;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Log compaction through the engine: what survives a pass, tombstones, producers, policies. */
class CompactionTest {
    static final String TOPIC = "compacted";

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(10_000_000);

    static EngineConfig.Builder engineConfig(Path dir, AtomicLong now) {
        // The background cleaner waits an hour: every pass in these tests is triggered explicitly.
        return EngineConfig.builder(dir).clock(now::get).cleanerCheckIntervalMs(3_600_000);
    }

    private LogEngine open() {
        return LogEngine.open(engineConfig(dir, now).build());
    }

    static TopicConfig compacted(String... extra) {
        Map<String, String> configs = new HashMap<>(Map.of(
                "cleanup.policy", "compact", "segment.bytes", "1024", "index.interval.bytes", "128",
                "file.delete.delay.ms", "0"));
        for (int i = 0; i < extra.length; i += 2) {
            configs.put(extra[i], extra[i + 1]);
        }
        return TopicConfig.of(configs);
    }

    private static void append(Partition p, TreeMap<Long, CompactedLogCheck.Written> written, String key,
                               String value, long timestampMs) {
        long offset = p.append(bytes(key), bytes(value), timestampMs);
        written.put(offset, new CompactedLogCheck.Written(offset, key, value));
    }

    private static long activeBase(Partition p) {
        return PartitionLogs.of(p).activeSegment().baseOffset();
    }

    @Test
    void overwrittenKeysCompactToTheirLastValueAndKeepTheirOffsets() {
        long seed = TestSeeds.seed("overwrittenKeysCompactToTheirLastValueAndKeepTheirOffsets");
        Random random = new Random(seed);
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        long cleanedBelow;
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, compacted());
            Partition p = engine.partition(TOPIC, 0);
            for (int i = 0; i < 1500; i++) {
                append(p, written, "k" + random.nextInt(40), "v" + i, 1000 + i);
            }
            int segmentsBefore = PartitionLogs.of(p).segmentCount();
            long bytesBefore = p.sizeBytes();
            assertTrue(segmentsBefore > 20, "many segments: " + segmentsBefore);
            cleanedBelow = activeBase(p);
            assertTrue(engine.cleanLogsNow() > 0, "seed " + seed);
            assertEquals(cleanedBelow, engine.cleaner().firstDirtyOffset(p.topicPartition()));
            assertEquals(segmentsBefore, PartitionLogs.of(p).segmentCount(), "one cleaned segment per segment");
            assertTrue(p.sizeBytes() < bytesBefore / 4, p.sizeBytes() + " of " + bytesBefore);
            List<TestRecords.Read> survivors = CompactedLogCheck.verify(p, written, cleanedBelow, true);
            CompactedLogCheck.verifyEveryOffset(p, survivors);
            assertEquals(1500, p.latestOffset());

            // More overwrites, a second pass: older cleaned segments are compacted again.
            for (int i = 1500; i < 2500; i++) {
                append(p, written, "k" + random.nextInt(40), "v" + i, 1000 + i);
            }
            cleanedBelow = activeBase(p);
            engine.cleanLogsNow();
            CompactedLogCheck.verify(p, written, cleanedBelow, true);
            // Passes with nothing dirty only merge segments that earlier passes shrank, until no
            // neighbours fit one segment together; then a pass replaces nothing.
            int passes = 0;
            while (engine.cleanLogsNow() > 0) {
                assertTrue(++passes < 10, "merging converges");
                CompactedLogCheck.verify(p, written, cleanedBelow, true);
            }
            assertEquals(0, engine.cleanLogsNow());
        }
        // Reopened cleanly and after a crash (indexes rebuilt, batches revalidated).
        try (LogEngine engine = open()) {
            Partition p = engine.partition(TOPIC, 0);
            CompactedLogCheck.verifyEveryOffset(p, CompactedLogCheck.verify(p, written, cleanedBelow, true));
        }
        assertTrue(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE).toFile().delete());
        try (LogEngine engine = open()) {
            Partition p = engine.partition(TOPIC, 0);
            CompactedLogCheck.verify(p, written, cleanedBelow, true);
            assertEquals(2500, p.latestOffset());
        }
        assertTrue(Files.exists(dir.resolve(CleanerCheckpoint.FILE_NAME)));
    }

    @Test
    void aSmallDedupeBufferCleansInSeveralPasses() {
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        // 10 slots, 9 keys per pass; 30 keys.
        try (LogEngine engine = LogEngine.open(engineConfig(dir, now).cleanerDedupeBufferBytes(240).build())) {
            engine.createTopic(TOPIC, 1, compacted());
            Partition p = engine.partition(TOPIC, 0);
            for (int i = 0; i < 600; i++) {
                append(p, written, "k" + (i % 30), "v" + i, 1000 + i);
            }
            long end = activeBase(p);
            long previous = 0;
            for (int pass = 0; pass < 100 && engine.cleaner().firstDirtyOffset(p.topicPartition()) < end; pass++) {
                engine.cleanLogsNow();
                long checkpoint = engine.cleaner().firstDirtyOffset(p.topicPartition());
                assertTrue(checkpoint > previous, "each pass makes progress: " + checkpoint);
                previous = checkpoint;
                CompactedLogCheck.verify(p, written, 0, end, true); // never loses a latest record
            }
            assertEquals(end, engine.cleaner().firstDirtyOffset(p.topicPartition()));
            engine.cleanLogsNow();
            CompactedLogCheck.verify(p, written, end, true);
        }
    }

    @Test
    void tombstonesRemoveTheKeyAndVanishAfterDeleteRetention() {
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, compacted("delete.retention.ms", "5000"));
            Partition p = engine.partition(TOPIC, 0);
            append(p, written, "gone", "v1", 1);
            append(p, written, "kept", "v1", 1);
            append(p, written, "gone", "v2", 2);
            append(p, written, "gone", null, 3);
            for (int i = 0; i < 100; i++) {
                append(p, written, "filler" + i, "f", 4);
            }
            long cleanedBelow = activeBase(p);
            long tombstone = 3;
            engine.cleanLogsNow();
            List<TestRecords.Read> read = CompactedLogCheck.verify(p, written, cleanedBelow, true);
            assertTrue(read.stream().anyMatch(r -> r.offset() == tombstone && r.value() == null), "tombstone stays");
            // Its batch now carries the delete horizon in baseTimestamp; the record keeps its own time.
            assertEquals(3, read.stream().filter(r -> r.offset() == tombstone).findFirst().orElseThrow().timestamp());
            assertFalse(read.stream().anyMatch(r -> "gone".equals(r.key()) && r.value() != null));

            now.addAndGet(4_999);
            engine.cleanLogsNow();
            assertTrue(TestRecords.readAll(p, 0).stream().anyMatch(r -> r.offset() == tombstone), "not yet");

            now.addAndGet(1);
            assertTrue(engine.cleanLogsNow() > 0);
            read = CompactedLogCheck.verify(p, written, cleanedBelow, false);
            assertFalse(read.stream().anyMatch(r -> "gone".equals(r.key())), "the key is gone: " + read);
            assertTrue(read.stream().anyMatch(r -> "kept".equals(r.key())));
            CompactedLogCheck.verifyEveryOffset(p, read);
        }
    }

    @Test
    void theActiveSegmentIsNeverCleanedAndAppendsDuringCleaningAreKept() {
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, compacted());
            Partition p = engine.partition(TOPIC, 0);
            for (int i = 0; i < 200; i++) {
                append(p, written, "k" + (i % 5), "v" + i, 1000 + i);
            }
            LogSegment active = PartitionLogs.of(p).activeSegment();
            long activeBase = active.baseOffset();
            int activeBytes = active.sizeBytes();
            List<Long> appendedDuringPass = new ArrayList<>();
            engine.cleaner().hook((point, base) -> {
                if (point == CleanerHook.Point.SWAP_FILES_CREATED && appendedDuringPass.size() < 60) {
                    for (int i = 0; i < 10; i++) {
                        String value = "during" + appendedDuringPass.size();
                        long offset = p.append(bytes("k" + (i % 5)), bytes(value), 5000);
                        written.put(offset, new CompactedLogCheck.Written(offset, "k" + (i % 5), value));
                        appendedDuringPass.add(offset);
                    }
                }
            });
            engine.cleanLogsNow();
            engine.cleaner().hook(CleanerHook.NONE);
            assertFalse(appendedDuringPass.isEmpty());
            // The active segment at the start of the pass was not rewritten (it may have rolled since).
            assertTrue(PartitionLogs.of(p).segments().contains(active), "the active segment object is still in the log");
            assertTrue(active.sizeBytes() >= activeBytes);
            CompactedLogCheck.verify(p, written, activeBase, true);
            for (long offset : appendedDuringPass) {
                assertTrue(TestRecords.readAll(p, offset).get(0).offset() == offset, "appended " + offset + " kept");
            }
        }
    }

    private static ByteBuffer producerBatch(long producerId, int firstSequence, String... keys) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256).producer(producerId, (short) 0, firstSequence);
        for (String key : keys) {
            builder.append(1000L, bytes(key), bytes("prod-" + firstSequence + key));
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    @Test
    void anIdempotentProducersLastBatchSurvivesSoRetriesAreStillRecognised() {
        long producer;
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, compacted());
            Partition p = engine.partition(TOPIC, 0);
            producer = engine.allocateProducerId();
            assertEquals(0, p.appendBatch(producerBatch(producer, 0, "a", "b", "c")));
            assertEquals(3, p.appendBatch(producerBatch(producer, 3, "a", "b")));
            for (int i = 0; i < 100; i++) {
                p.append(bytes(i < 3 ? "abc".substring(i, i + 1) : "filler" + i), bytes("plain" + i), 2000);
            }
            engine.cleanLogsNow();
            List<TestRecords.Read> read = TestRecords.readAll(p, 0);
            assertTrue(read.stream().noneMatch(r -> r.value().startsWith("prod-")), "every producer record superseded");
            // The emptied last batch is still in the log, header intact.
            LogSegment first = PartitionLogs.of(p).segments().get(0);
            List<long[]> headers = new ArrayList<>();
            assertDoesNotThrowIo(() -> first.forEachBatchHeader(h -> headers.add(new long[] {h.producerId(),
                    h.baseOffset(), h.lastOffset(), h.recordsCount(), h.baseSequence()})));
            assertTrue(headers.stream().anyMatch(h -> h[0] == producer && h[1] == 3 && h[2] == 4 && h[3] == 0
                    && h[4] == 3), "empty last batch of the producer kept");
            assertTrue(headers.stream().noneMatch(h -> h[0] == producer && h[1] == 0), "earlier batch dropped");
        }
        // After a crash the producer state is rebuilt from the log: the retry is still a duplicate.
        assertTrue(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE).toFile().delete());
        try (LogEngine engine = open()) {
            Partition p = engine.partition(TOPIC, 0);
            long end = p.latestOffset();
            assertEquals(3, p.appendBatch(producerBatch(producer, 3, "a", "b")));
            assertEquals(end, p.latestOffset(), "the retry was not written again");
            assertEquals(end, p.appendBatch(producerBatch(producer, 5, "d")));
        }
    }

    private interface IoAction {
        void run() throws java.io.IOException;
    }

    private static void assertDoesNotThrowIo(IoAction action) {
        try {
            action.run();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void compactedTopicsRefuseRecordsWithoutAKeyAndCompressedBatchesThatDoNotDecode() {
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, compacted());
            Partition p = engine.partition(TOPIC, 0);
            InvalidRecordException noKey = assertThrows(InvalidRecordException.class,
                    () -> p.append(null, bytes("v"), 1));
            assertTrue(noKey.getMessage().contains("cannot accept message without key"), noKey.getMessage());
            ByteBuffer gzip = new RecordBatchBuilder(128).append(1, bytes("k"), bytes("v")).build();
            ByteBuffer copy = ByteBuffer.allocate(gzip.remaining()).put(gzip).flip();
            short attributes = copy.getShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET);
            copy.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET,
                    (short) (attributes | RecordBatchDescriptor.COMPRESSION_GZIP));
            new io.fjord.log.record.RecordBatch().wrap(copy, 0).updateCrc();
            // Plain records flagged gzip: the append decompresses to check keys, and that fails.
            InvalidRecordException compressed = assertThrows(InvalidRecordException.class, () -> p.appendBatch(copy));
            assertTrue(compressed.getMessage().contains("gzip records do not decompress"), compressed.getMessage());
            assertEquals(0, p.latestOffset());
            p.append(bytes("k"), null, 1); // a tombstone has a key: fine
            assertEquals(1, p.latestOffset());

            engine.createTopic("plain", 1);
            engine.partition("plain", 0).append(null, bytes("v"), 1); // delete-only topics take null keys
        }
    }

    @Test
    void cleanupPolicyValues() {
        // Kafka 4.4 takes repeats and the empty list (no policy: keep every segment) too.
        for (String valid : new String[] {"delete", "compact", "compact,delete", "delete,compact", "compact, delete",
            "", "compact,compact", "compact,delete,compact"}) {
            TopicConfig config = TopicConfig.defaults().with("cleanup.policy", valid);
            assertEquals(valid.contains("compact"), config.compact(), valid);
            assertEquals(valid.contains("delete"), config.deleteRetention(), valid);
        }
        for (String invalid : new String[] {"none", "compact;delete", "compact,,delete", ","}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> TopicConfig.defaults().with("cleanup.policy", invalid));
            assertTrue(e.getMessage().contains("'compact,delete'"), e.getMessage());
        }
        assertEquals(86_400_000L, TopicConfig.defaults().deleteRetentionMs());
        assertEquals(0.5, TopicConfig.defaults().minCleanableDirtyRatio());
        assertThrows(InvalidConfigException.class, () -> TopicConfig.defaults().with("min.cleanable.dirty.ratio", "1.5"));
    }

    @Test
    void compactDeleteAlsoAppliesRetentionAndCompactAloneDoesNot() {
        try (LogEngine engine = open()) {
            engine.createTopic("both", 1, compacted("cleanup.policy", "compact,delete", "retention.ms", "1000"));
            engine.createTopic("only", 1, compacted("retention.ms", "1000"));
            for (String topic : new String[] {"both", "only"}) {
                Partition p = engine.partition(topic, 0);
                for (int i = 0; i < 100; i++) {
                    p.append(bytes("k" + i), bytes("v" + i), now.get());
                }
            }
            now.addAndGet(10_000);
            engine.enforceRetention();
            Partition both = engine.partition("both", 0);
            Partition only = engine.partition("only", 0);
            assertEquals(1, PartitionLogs.of(both).segmentCount(), "retention removed every inactive segment");
            assertTrue(both.earliestOffset() > 0);
            assertEquals(0, only.earliestOffset(), "compact-only keeps history by key, not by age");
            assertTrue(PartitionLogs.of(only).segmentCount() > 1);
        }
    }

    @Test
    void minCompactionLagKeepsRecentSegmentsDirty() {
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, compacted("min.compaction.lag.ms", "60000"));
            Partition p = engine.partition(TOPIC, 0);
            for (int i = 0; i < 200; i++) {
                append(p, written, "k" + (i % 3), "v" + i, now.get());
            }
            assertEquals(0, engine.cleanLogsNow(), "every segment is younger than the lag");
            now.addAndGet(60_000);
            assertTrue(engine.cleanLogsNow() > 0);
            CompactedLogCheck.verify(p, written, activeBase(p), true);
        }
    }

    @Test
    void theBackgroundCleanerStartsAtTheDirtyRatio() throws Exception {
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        try (LogEngine engine = LogEngine.open(engineConfig(dir, now).cleanerCheckIntervalMs(1).build())) {
            java.util.concurrent.CountDownLatch swapped = new java.util.concurrent.CountDownLatch(1);
            engine.cleaner().hook((point, base) -> {
                if (point == CleanerHook.Point.SEGMENT_SWAPPED) {
                    swapped.countDown();
                }
            });
            engine.createTopic(TOPIC, 1, compacted());
            Partition p = engine.partition(TOPIC, 0);
            for (int i = 0; i < 300; i++) {
                append(p, written, "k" + (i % 7), "v" + i, 1000 + i);
            }
            assertTrue(swapped.await(30, java.util.concurrent.TimeUnit.SECONDS), "the background cleaner ran");
            CompactedLogCheck.verify(p, written, 0, activeBase(p), true);
        }
    }
}
