package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation rules of {@link TopicConfig} that span more than one value, and names Kafka removed. */
class TopicConfigTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyCleanupPolicyKeepsEverySegmentAsInKafka() {
        AtomicLong now = new AtomicLong(1_000_000);
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).clock(now::get).build())) {
            Map<String, String> small = Map.of("segment.bytes", "1024", "retention.ms", "1000",
                    "retention.bytes", "2048", "file.delete.delay.ms", "0");
            Map<String, String> keep = new java.util.HashMap<>(small);
            keep.put("cleanup.policy", "");
            engine.createTopic("keep", 1, TopicConfig.of(keep));
            engine.createTopic("delete", 1, TopicConfig.of(small));
            for (int i = 0; i < 200; i++) {
                engine.partition("keep", 0).append(TestRecords.bytes("k" + i), new byte[100], now.get());
                engine.partition("delete", 0).append(TestRecords.bytes("k" + i), new byte[100], now.get());
            }
            now.addAndGet(10_000);
            engine.enforceRetention();
            assertEquals(0, engine.partition("keep", 0).earliestOffset(), "no policy: nothing is deleted");
            assertTrue(engine.partition("delete", 0).earliestOffset() > 0, "the delete policy removes old segments");
            assertEquals("", engine.effectiveTopicConfig("keep").cleanupPolicy());
        }
    }
    @Test
    void aMinimumCompactionLagAboveTheMaximumIsRefusedAsKafkaDoes() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> TopicConfig.of(Map.of(
                "min.compaction.lag.ms", "10000", "max.compaction.lag.ms", "5000")));
        assertTrue(e.getMessage().contains("min.compaction.lag.ms (10000) > max.compaction.lag.ms (5000)"),
                e.getMessage());
        // Changing both at once is judged on the result, whichever is applied first.
        TopicConfig before = TopicConfig.of(Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "20"));
        TopicConfig after = before.with("min.compaction.lag.ms", "30").with("max.compaction.lag.ms", "40")
                .checkConsistent();
        assertEquals(30, after.minCompactionLagMs());
        assertThrows(InvalidConfigException.class, () -> before.with("min.compaction.lag.ms", "30").checkConsistent());
    }

    @Test
    void namesKafkaRemovedAreRefusedWithTheReason() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> TopicConfig.of(Map.of("message.downconversion.enable", "true")));
        assertTrue(e.getMessage().contains("message.downconversion.enable") && e.getMessage().contains("Kafka 4.0"),
                e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> TopicConfig.of(Map.of("no.such.config", "1")));
        assertTrue(e.getMessage().contains("Unknown topic config 'no.such.config'"), e.getMessage());
    }

    @Test
    void compressionTypeAndLevelsAreParsedOnceForTheAppendPath() {
        TopicConfig config = TopicConfig.of(Map.of("compression.type", "zstd", "compression.zstd.level", "-3"));
        assertEquals(io.fjord.log.record.RecordBatchDescriptor.COMPRESSION_ZSTD, config.compressionCodecId());
        assertEquals(-3, config.compressionLevel());
        assertEquals(TopicConfig.COMPRESSION_PRODUCER, TopicConfig.defaults().compressionCodecId());
        assertEquals(io.fjord.log.record.RecordBatchDescriptor.COMPRESSION_NONE,
                TopicConfig.of(Map.of("compression.type", "uncompressed")).compressionCodecId());
        assertEquals(-1, TopicConfig.of(Map.of("compression.type", "gzip")).compressionLevel());
        assertEquals(9, TopicConfig.of(Map.of("compression.type", "lz4")).compressionLevel());
    }

    @Test
    void booleansAreTakenInAnyCaseAndStoredAsKafkaDescribesThem() {
        TopicConfig config = TopicConfig.of(Map.of("preallocate", "TRUE", "unclean.leader.election.enable", "False"));
        assertEquals("true", config.value("preallocate"));
        assertEquals("false", config.value("unclean.leader.election.enable"));
        assertThrows(InvalidConfigException.class, () -> TopicConfig.of(Map.of("preallocate", "yes")));
    }

    @Test
    void anyNegativeRetentionBytesMeansNoLimitAsInKafka() {
        assertEquals(-5, TopicConfig.of(Map.of("retention.bytes", "-5")).retentionBytes());
        assertThrows(InvalidConfigException.class, () -> TopicConfig.of(Map.of("retention.ms", "-2")));
    }
}
