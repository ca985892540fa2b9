package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogEngineApiTest {
    @TempDir
    Path dir;

    @Test
    void topicsAndConfigsSurviveRestart() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("orders", 3, TopicConfig.of(Map.of("retention.ms", "1000", "segment.bytes", "4096")));
            engine.createTopic("audit.log_v1", 1);
            engine.partition("orders", 2).append(bytes("k"), bytes("v"), 5L);
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(Set.of("orders", "audit.log_v1"), engine.topics());
            assertEquals(3, engine.partitionCount("orders"));
            assertEquals(Map.of("retention.ms", "1000", "segment.bytes", "4096"), engine.topicConfig("orders").overrides());
            assertEquals(1000, engine.effectiveTopicConfig("orders").retentionMs());
            assertEquals(TopicConfig.DEFAULT_SEGMENT_MS, engine.effectiveTopicConfig("orders").segmentMs());
            assertEquals(1, engine.partition("orders", 2).latestOffset());
            assertEquals(List.of(new TestRecords.Read(0, 5L, "k", "v")),
                    TestRecords.readAll(engine.partition("orders", 2), 0));
        }
    }

    @Test
    void badNamesMissingTopicsAndPartitionsGetClearErrors() {
        try (LogEngine engine = LogEngine.open(dir)) {
            for (String bad : new String[] {"", ".", "..", "has space", "slash/", "ü", "x".repeat(250)}) {
                InvalidTopicException e = assertThrows(InvalidTopicException.class, () -> engine.createTopic(bad, 1));
                assertTrue(e.getMessage().contains("Invalid topic name"), e.getMessage());
            }
            assertThrows(InvalidTopicException.class, () -> engine.createTopic("zero", 0));
            engine.createTopic("t", 2);
            assertThrows(TopicExistsException.class, () -> engine.createTopic("t", 2));
            UnknownTopicOrPartitionException missing =
                    assertThrows(UnknownTopicOrPartitionException.class, () -> engine.partition("nope", 0));
            assertTrue(missing.getMessage().contains("nope"));
            assertThrows(UnknownTopicOrPartitionException.class, () -> engine.partition("t", 2));
            assertThrows(UnknownTopicOrPartitionException.class, () -> engine.partition("t", -1));
            assertThrows(InvalidConfigException.class,
                    () -> engine.createTopic("c", 1, TopicConfig.of(Map.of("no.such.config", "1"))));
            assertThrows(InvalidConfigException.class,
                    () -> engine.createTopic("c", 1, TopicConfig.of(Map.of("segment.bytes", "abc"))));
            assertThrows(InvalidConfigException.class,
                    () -> engine.createTopic("c", 1, TopicConfig.of(Map.of("durability", "maybe"))));
            assertFalse(engine.topicExists("c"));
        }
    }

    @Test
    void closedEngineRefusesWork() {
        LogEngine engine = LogEngine.open(dir);
        engine.createTopic("t", 1);
        Partition partition = engine.partition("t", 0);
        engine.close();
        engine.close(); // idempotent
        assertThrows(EngineClosedException.class, () -> partition.append(null, bytes("v"), 1));
        assertThrows(EngineClosedException.class, () -> partition.read(0, 100));
        assertThrows(EngineClosedException.class, () -> engine.createTopic("u", 1));
        assertThrows(EngineClosedException.class, () -> engine.partition("t", 0));
    }

    @Test
    void aSecondEngineCannotOpenTheSameDirectory() {
        try (LogEngine engine = LogEngine.open(dir)) {
            LogStorageException e = assertThrows(LogStorageException.class, () -> LogEngine.open(dir));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        LogEngine.open(dir).close(); // the lock is released on close
    }

    @Test
    void deleteTopicRemovesItsDataAndTheNameCanBeReused() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 2);
            Partition old = engine.partition("t", 0);
            old.append(null, bytes("old"), 1);
            engine.deleteTopic("t");
            assertFalse(engine.topicExists("t"));
            assertFalse(dir.resolve("t-0").toFile().exists());
            assertThrows(UnknownTopicOrPartitionException.class, () -> engine.partition("t", 0));
            assertThrows(UnknownTopicOrPartitionException.class, () -> engine.deleteTopic("t"));
            assertThrows(FjordException.class, () -> old.append(null, bytes("late"), 1));
            engine.createTopic("t", 1);
            assertEquals(0, engine.partition("t", 0).latestOffset());
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(1, engine.partitionCount("t"));
        }
    }

    @Test
    void createPartitionsAndAlterConfigs() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1);
            engine.createPartitions("t", 4);
            assertThrows(InvalidTopicException.class, () -> engine.createPartitions("t", 4));
            engine.partition("t", 3).append(null, bytes("v"), 1);
            engine.alterTopicConfig("t", TopicConfig.of(Map.of("retention.bytes", "100")));
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(4, engine.partitionCount("t"));
            assertEquals(100, engine.effectiveTopicConfig("t").retentionBytes());
            assertEquals(1, engine.partition("t", 3).latestOffset());
        }
    }

    @Test
    void appendsAndReadsRecordsAndWholeBatches() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            assertEquals(0, p.append(bytes("a"), bytes("1"), 10));
            assertEquals(1, p.appendBatch(TestRecords.batch(0, 5, 20)));
            assertEquals(6, p.append(null, null, 30));
            assertEquals(0, p.earliestOffset());
            assertEquals(7, p.latestOffset());
            List<TestRecords.Read> all = TestRecords.readAll(p, 0);
            assertEquals(7, all.size());
            assertEquals(new TestRecords.Read(3, 20, "k2", "v2"), all.get(3));
            assertNull(all.get(6).key());
            assertNull(all.get(6).value());
            // a mid-batch offset starts the reader inside that batch
            assertEquals(List.of(new TestRecords.Read(4, 20, "k3", "v3"), new TestRecords.Read(5, 20, "k4", "v4"),
                    new TestRecords.Read(6, 30, null, null)), TestRecords.readAll(p, 4));
            assertTrue(p.read(7, 1000).isEmpty());
            assertThrows(OffsetOutOfRangeException.class, () -> p.read(8, 1000));
            assertThrows(OffsetOutOfRangeException.class, () -> p.read(-1, 1000));
        }
    }

    @Test
    void malformedBatchesAreRejectedAndNothingIsAppended() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("max.message.bytes", "200")));
            Partition p = engine.partition("t", 0);
            ByteBuffer corrupt = TestRecords.batch(0, 2, 1);
            corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 1));
            assertThrows(InvalidRecordException.class, () -> p.appendBatch(corrupt));
            ByteBuffer truncated = TestRecords.batch(0, 2, 1);
            truncated.limit(truncated.limit() - 3);
            assertThrows(InvalidRecordException.class, () -> p.appendBatch(truncated));
            assertThrows(InvalidRecordException.class, () -> p.appendBatch(ByteBuffer.allocate(0)));
            assertThrows(InvalidRecordException.class, () -> p.appendBatch(ByteBuffer.wrap(new byte[100])));
            assertThrows(RecordTooLargeException.class, () -> p.appendBatch(TestRecords.batchOfSize(300, 1)));
            // a valid batch followed by garbage: the whole request is refused
            ByteBuffer good = TestRecords.batch(0, 1, 1);
            ByteBuffer goodThenGarbage = ByteBuffer.allocate(good.remaining() + 20);
            goodThenGarbage.put(good).put(new byte[20]).flip();
            assertThrows(InvalidRecordException.class, () -> p.appendBatch(goodThenGarbage));
            assertEquals(0, p.latestOffset());
            assertEquals(0, p.sizeBytes());
            assertEquals(0, p.appendBatch(TestRecords.batch(0, 1, 1)));
        }
    }

    @Test
    void findsOffsetsByTimestamp() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.bytes", "1024", "index.interval.bytes", "100")));
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < 200; i++) {
                p.append(null, bytes("value-" + i), 1000 + i * 10L);
            }
            assertEquals(0, p.offsetForTimestamp(0));
            assertEquals(0, p.offsetForTimestamp(1000));
            assertEquals(1, p.offsetForTimestamp(1001));
            assertEquals(100, p.offsetForTimestamp(2000));
            assertEquals(199, p.offsetForTimestamp(2990));
            assertEquals(-1, p.offsetForTimestamp(2991));
        }
    }

    @Test
    void aFreshDataDirectoryGetsAClusterIdInKafkasFormat() throws Exception {
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = DataDirectory.newClusterId();
            assertTrue(id.matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}"), id); // 16 bytes, URL-safe base64, no '-' first
            assertTrue(seen.add(id), "ids repeat: " + id);
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            String meta = java.nio.file.Files.readString(dir.resolve(LogEngine.META_PROPERTIES));
            assertTrue(meta.matches("(?s).*\\ncluster\\.id=[A-Za-z0-9_][A-Za-z0-9_-]{21}\\n.*"), meta);
        }
    }
}
