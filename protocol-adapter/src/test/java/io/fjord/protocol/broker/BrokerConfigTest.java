package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.TopicConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broker properties that configure the engine the broker serves, in Kafka's names where Kafka has one. */
class BrokerConfigTest {

    @Test
    void timestampBoundsAreTopicDefaultsUnderKafkasBrokerNames() {
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(
                "log.message.timestamp.before.max.ms", "86400000",
                "log.message.timestamp.after.max.ms", "60000"));
        assertEquals(86_400_000L, config.topicDefaults().timestampBeforeMaxMs());
        assertEquals(60_000L, config.topicDefaults().timestampAfterMaxMs());
        // Kafka 4's defaults when unset: any age, at most an hour ahead.
        assertEquals(Long.MAX_VALUE, BrokerConfig.fromProperties(Map.of()).topicDefaults().timestampBeforeMaxMs());
        assertEquals(3_600_000L, BrokerConfig.fromProperties(Map.of()).topicDefaults().timestampAfterMaxMs());
        assertThrows(InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("log.message.timestamp.after.max.ms", "-1")));
    }

    @Test
    void engineWideSettingsReachTheEngineConfig() {
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(
                "log.dirs", "/tmp/fjord-broker-config-test",
                "log.cleaner.threads", "2",
                "log.cleaner.dedupe.buffer.size", "1048576",
                "log.cleaner.io.buffer.size", "65536",
                "log.cleaner.backoff.ms", "250",
                "log.cleaner.io.max.bytes.per.second", "5e6",
                "fjord.max.decompressed.batch.bytes", "2097152"));
        EngineConfig engine = config.engineConfig();
        assertEquals(Path.of("/tmp/fjord-broker-config-test"), engine.dataDir());
        assertEquals(2, engine.cleanerThreads());
        assertEquals(1_048_576, engine.cleanerDedupeBufferBytes());
        assertEquals(65_536, engine.cleanerIoBufferBytes());
        assertEquals(250, engine.cleanerCheckIntervalMs());
        assertEquals(5_000_000, engine.cleanerIoMaxBytesPerSecond());
        assertEquals(2_097_152, engine.maxDecompressedBatchBytes());
    }

    @Test
    void kafkasDefaultCleanerRateMeansNoCapAndUnsetMeansDefaults() {
        EngineConfig kafkaDefault = BrokerConfig.fromProperties(Map.of(
                "log.cleaner.io.max.bytes.per.second", "1.7976931348623157E308")).engineConfig();
        assertEquals(Long.MAX_VALUE, kafkaDefault.cleanerIoMaxBytesPerSecond());
        EngineConfig defaults = BrokerConfig.fromProperties(Map.of()).engineConfig();
        assertEquals(EngineConfig.DEFAULT_CLEANER_THREADS, defaults.cleanerThreads());
        assertEquals(EngineConfig.DEFAULT_CLEANER_IO_MAX_BYTES_PER_SECOND, defaults.cleanerIoMaxBytesPerSecond());
    }

    @Test
    void adminExecutorSizeAndQueueAreNamedLimitsWithDefaults() {
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(
                "fjord.admin.threads", "3", "fjord.max.queued.admin.requests", "0"));
        assertEquals(3, config.adminThreads());
        assertEquals(0, config.maxQueuedAdminRequests());
        BrokerConfig defaults = BrokerConfig.fromProperties(Map.of());
        assertEquals(BrokerConfig.DEFAULT_ADMIN_THREADS, defaults.adminThreads());
        assertEquals(BrokerConfig.DEFAULT_MAX_QUEUED_ADMIN_REQUESTS, defaults.maxQueuedAdminRequests());
        assertThrows(InvalidConfigException.class, () -> BrokerConfig.fromProperties(Map.of("fjord.admin.threads", "0")));
        assertThrows(InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("fjord.max.queued.admin.requests", "-1")));
    }

    @Test
    void socketBuffersUseKafkasNamesAndMinusOneKeepsTheOsAutotuning() {
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(
                "socket.send.buffer.bytes", "4194304", "socket.receive.buffer.bytes", "-1"));
        assertEquals(4_194_304, config.netConfig().socketSendBufferBytes());
        assertEquals(-1, config.netConfig().socketReceiveBufferBytes());
        assertEquals(-1, BrokerConfig.fromProperties(Map.of()).netConfig().socketSendBufferBytes(),
                "autotuning by default: a fixed 100 KiB (Kafka's default) doubled the consume CPU here");
        assertThrows(InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("socket.send.buffer.bytes", "0")));
    }

    @Test
    void aBadValueIsRefusedWhenReadNamingItsKey() {
        for (Map.Entry<String, String> bad : Map.of(
                "log.cleaner.io.max.bytes.per.second", "0",
                "log.cleaner.threads", "lots",
                "fjord.max.decompressed.batch.bytes", "10").entrySet()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> BrokerConfig.fromProperties(Map.of(bad.getKey(), bad.getValue())), bad.toString());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }

    @Test
    void kafkasBrokerNamesSetTheTopicDefaultsOfCompressionAndTheOtherTopicConfigs() {
        TopicConfig defaults = BrokerConfig.fromProperties(Map.of(
                "compression.type", "zstd", "compression.zstd.level", "7", "compression.gzip.level", "4",
                "compression.lz4.level", "12", "log.roll.jitter.ms", "1000", "log.preallocate", "true",
                "min.insync.replicas", "1", "unclean.leader.election.enable", "true",
                "log.cleaner.delete.retention.ms", "5000", "log.cleaner.min.cleanable.ratio", "0.3"))
                .engineConfig().topicDefaults();
        assertEquals("zstd", defaults.value("compression.type"));
        assertEquals(7, defaults.compressionLevel());
        assertEquals("4", defaults.value("compression.gzip.level"));
        assertEquals("12", defaults.value("compression.lz4.level"));
        assertEquals(1000, defaults.segmentJitterMs());
        assertEquals("true", defaults.value("preallocate"));
        assertEquals("true", defaults.value("unclean.leader.election.enable"));
        assertEquals(5000, defaults.deleteRetentionMs());
        assertEquals(0.3, defaults.minCleanableDirtyRatio());
        for (Map.Entry<String, String> bad : Map.of("compression.type", "brotli", "compression.zstd.level", "23",
                "min.insync.replicas", "2").entrySet()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> BrokerConfig.fromProperties(Map.of(bad.getKey(), bad.getValue())), bad.toString());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }
}
