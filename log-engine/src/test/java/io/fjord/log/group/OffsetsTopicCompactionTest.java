package io.fjord.log.group;

import java.time.Duration;
import io.fjord.testsupport.Waits;
import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.PartitionLogs;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.record.RecordCursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code __consumer_offsets} is a compacted topic, and the engine's cleaner keeps it bounded. */
@Timeout(120)
class OffsetsTopicCompactionTest {
    private static final long START_MS = GroupHarness.START_MS;
    private static final int SEGMENT_BYTES = 4096;

    @TempDir
    Path dir;

    private final ManualTimer timer = new ManualTimer(START_MS);

    private LogEngine openEngine(long cleanerCheckIntervalMs) {
        return LogEngine.open(EngineConfig.builder(dir).clock(timer).cleanerCheckIntervalMs(cleanerCheckIntervalMs)
                .build());
    }

    private static GroupConfig config() {
        return GroupConfig.defaults().withOffsetsTopicPartitions(1).withOffsetsTopicSegmentBytes(SEGMENT_BYTES);
    }

    private static void commit(GroupCoordinator c, String group, TopicPartition tp, long offset) {
        assertEquals(GroupError.NONE, c.commitOffsets(group, -1, "", null,
                Map.of(tp, new CommittedOffset(offset, -1, null, -1))).get(tp));
    }

    /** The keys of every record in the internal partition, decoded, in log order. */
    private static List<OffsetsRecordCodec.Key> keysInLog(Partition internal) {
        List<OffsetsRecordCodec.Key> keys = new ArrayList<>();
        try (var reader = internal.reader(internal.earliestOffset())) {
            while (reader.poll((RecordCursor cursor) -> keys.add(OffsetsRecordCodec.decodeKey(cursor.keyBytes())),
                    10_000) > 0) {
                // keep polling
            }
        }
        return keys;
    }

    @Test
    void theTopicIsCreatedCompactedWithTheGroupConfigsSegmentSize() {
        try (LogEngine engine = openEngine(3_600_000);
             GroupCoordinator ignored = GroupCoordinator.start(engine, config(), timer)) {
            TopicConfig effective = engine.effectiveTopicConfig(OffsetsTopicDescriptor.TOPIC);
            assertEquals("compact", effective.cleanupPolicy());
            assertEquals(SEGMENT_BYTES, effective.segmentBytes());
            assertFalse(effective.deleteRetention(), "no time or size retention on offsets");
        }
    }

    @Test
    void manyCommitsOfTheSamePartitionsCompactDownAndReplayToTheSameOffsets() {
        int commits = 20_000;
        int partitions = 10;
        try (LogEngine engine = openEngine(3_600_000)) {
            engine.createTopic("big", partitions);
            try (GroupCoordinator c = GroupCoordinator.start(engine, config(), timer)) {
                for (int i = 0; i < commits; i++) {
                    commit(c, "app", new TopicPartition("big", i % partitions), i);
                }
                Partition internal = engine.partition(OffsetsTopicDescriptor.TOPIC, 0);
                int segmentsBefore = PartitionLogs.of(internal).segmentCount();
                assertTrue(segmentsBefore > 50, "the commits spread over many segments: " + segmentsBefore);
                long bytesBefore = internal.sizeBytes();
                assertTrue(engine.cleanLogsNow() > 0);
                // Per cleaned segment at most one record per key survives; the active segment is untouched.
                long activeBase = PartitionLogs.of(internal).activeSegment().baseOffset();
                List<OffsetsRecordCodec.Key> keys = keysInLog(internal);
                long belowActive = 0;
                try (var reader = internal.reader(internal.earliestOffset())) {
                    long[] count = {0};
                    while (reader.poll(cursor -> {
                        if (cursor.offset() < activeBase) {
                            count[0]++;
                        }
                    }, 10_000) > 0) {
                        // keep polling
                    }
                    belowActive = count[0];
                }
                assertTrue(belowActive <= partitions, belowActive + " records below the active segment");
                assertTrue(keys.size() < commits / 10, keys.size() + " records left of " + commits);
                assertTrue(internal.sizeBytes() < bytesBefore / 10, internal.sizeBytes() + " of " + bytesBefore);
            }
        }
        try (LogEngine engine = openEngine(3_600_000);
             GroupCoordinator c = GroupCoordinator.start(engine, config(), timer)) {
            Map<TopicPartition, CommittedOffset> fetched = c.fetchOffsets("app", null);
            assertEquals(partitions, fetched.size());
            for (int p = 0; p < partitions; p++) {
                assertEquals(commits - partitions + p, fetched.get(new TopicPartition("big", p)).offset());
            }
        }
    }

    @Test
    void aDeletedGroupsTombstoneRemovesItAfterDeleteRetention() {
        TopicPartition tp = new TopicPartition("t", 0);
        try (LogEngine engine = openEngine(3_600_000)) {
            engine.createTopic("t", 1);
            try (GroupCoordinator c = GroupCoordinator.start(engine, config(), timer)) {
                commit(c, "gone", tp, 5);
                commit(c, "gone", tp, 6);
                assertEquals(GroupError.NONE, c.deleteGroups(List.of("gone")).get("gone"));
                for (int i = 0; i < 500; i++) {
                    commit(c, "other", tp, i); // rolls segments past the tombstones
                }
                Partition internal = engine.partition(OffsetsTopicDescriptor.TOPIC, 0);
                engine.cleanLogsNow();
                List<OffsetsRecordCodec.Key> keys = keysInLog(internal);
                assertTrue(keys.stream().anyMatch(k -> "gone".equals(k.groupId())),
                        "the tombstone stays for delete.retention.ms: " + keys);
                assertEquals(1, keys.stream().filter(k -> "gone".equals(k.groupId())
                        && k.type() == OffsetsTopicDescriptor.KEY_TYPE_OFFSET_COMMIT).count(),
                        "only the offset's tombstone, not the commits it deleted");

                timer.advance(TopicConfig.DEFAULT_DELETE_RETENTION_MS);
                commit(c, "other", tp, 1_000); // the next pass needs something to do
                assertTrue(engine.cleanLogsNow() > 0);
                keys = keysInLog(internal);
                assertFalse(keys.stream().anyMatch(k -> "gone".equals(k.groupId())), "tombstones gone: " + keys);
            }
        }
        try (LogEngine engine = openEngine(3_600_000);
             GroupCoordinator c = GroupCoordinator.start(engine, config(), timer)) {
            assertEquals(Map.of(), c.fetchOffsets("gone", null));
            assertEquals("Dead", c.describeGroup("gone").state());
            assertEquals(1_000, c.fetchOffsets("other", List.of(tp)).get(tp).offset());
        }
    }

    @Test
    void anOffsetsTopicMadeWithTheOldDeletePolicyBecomesCompactedOnOpen() {
        try (LogEngine engine = openEngine(3_600_000)) {
            // What engines before compaction created: delete policy, no retention, snapshots on top.
            engine.createTopic(OffsetsTopicDescriptor.TOPIC, 1, TopicConfig.defaults()
                    .with(TopicConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES))
                    .with(TopicConfig.RETENTION_MS, "-1").with(TopicConfig.RETENTION_BYTES, "-1"));
            engine.createTopic("t", 1);
            try (GroupCoordinator c = GroupCoordinator.start(engine, config(), timer)) {
                assertEquals("compact", engine.effectiveTopicConfig(OffsetsTopicDescriptor.TOPIC).cleanupPolicy());
                commit(c, "g", new TopicPartition("t", 0), 42);
            }
        }
        try (LogEngine engine = openEngine(3_600_000)) {
            TopicConfig own = engine.topicConfig(OffsetsTopicDescriptor.TOPIC);
            assertEquals("compact", own.cleanupPolicy(), "persisted in the topic's config file");
            assertEquals(SEGMENT_BYTES, own.segmentBytes(), "the other settings are kept");
            assertEquals(-1, own.retentionMs());
        }
    }

    @Test
    void theBackgroundCleanerCompactsTheTopicWithItsDefaults() throws Exception {
        try (LogEngine engine = openEngine(10)) {
            CountDownLatch swapped = new CountDownLatch(1);
            engine.cleaner().hook((point, base) -> {
                if (point == io.fjord.log.cleaner.CleanerHook.Point.SEGMENT_SWAPPED) {
                    swapped.countDown();
                }
            });
            engine.createTopic("t", 4);
            try (GroupCoordinator c = GroupCoordinator.start(engine, config(), timer)) {
                for (int i = 0; i < 2_000; i++) {
                    commit(c, "app", new TopicPartition("t", i % 4), i);
                }
                assertTrue(swapped.await(60, TimeUnit.SECONDS), "the background cleaner compacted __consumer_offsets");
                TopicPartition internal = new TopicPartition(OffsetsTopicDescriptor.TOPIC, 0);
                // The pass moves its checkpoint after its swaps: wait for it rather than race it.
                Waits.waitUntil(Duration.ofSeconds(60), () -> engine.cleaner().firstDirtyOffset(internal) > 0,
                        () -> "the cleaner's checkpoint past 0");
                TopicPartition t3 = new TopicPartition("t", 3);
                assertEquals(1_999, c.fetchOffsets("app", List.of(t3)).get(t3).offset());
            }
        }
    }
}
