package io.fjord.log;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation rules of {@link TopicConfig} that span more than one value, and names Kafka removed. */
class TopicConfigTest {
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
}
