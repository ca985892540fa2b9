package io.fjord.protocol.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.log.EngineConfig;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.TopicConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The one table of broker settings: defaults, range checks, precedence, and the error for an unknown key. */
class BrokerSettingsTest {

    /** Everything a BrokerConfig decides, as text, so two configs can be compared whole. */
    static String fingerprint(BrokerConfig config) {
        EngineConfig engine = config.engineConfig();
        StringBuilder out = new StringBuilder();
        out.append(config.host()).append(' ').append(config.port()).append(' ').append(config.advertisedHost())
                .append(' ').append(config.advertisedPort()).append(' ').append(config.dataDir()).append(' ')
                .append(config.nodeId()).append(' ').append(config.numPartitions()).append(' ')
                .append(config.autoCreateTopics()).append(' ').append(config.maxWaitingFetches()).append(' ')
                .append(config.maxFetchWaitMs()).append(' ').append(config.httpListener()).append(' ')
                .append(config.adminThreads()).append(' ').append(config.maxQueuedAdminRequests()).append('\n')
                .append(config.netConfig()).append('\n')
                .append(config.groupConfig()).append('\n');
        out.append(List.of(engine.dataDir(), engine.writerThreads(), engine.writerQueueCapacity(),
                engine.appendTimeoutMs(), engine.retentionCheckIntervalMs(), engine.flushCheckIntervalMs(),
                engine.checkpointIntervalMs(), engine.maxPartitionsPerTopic(), engine.cleanerThreads(),
                engine.cleanerDedupeBufferBytes(), engine.cleanerIoBufferBytes(), engine.cleanerCheckIntervalMs(),
                engine.cleanerIoMaxBytesPerSecond(), engine.maxDecompressedBatchBytes(), engine.maxOpenFiles(),
                engine.maxMappedSegments(), engine.recoveryThreads(), engine.groupConfig())).append('\n');
        for (String name : TopicConfig.names()) {
            out.append(name).append('=').append(engine.topicDefaults().value(name)).append(' ');
        }
        return out.toString();
    }

    @Test
    void everyDocumentedDefaultIsWhatAnUnsetKeyGives() {
        String unset = fingerprint(BrokerConfig.fromProperties(Map.of()));
        int literal = 0;
        for (BrokerSetting setting : BrokerSettings.ALL) {
            if (!setting.literalDefault()) {
                continue;
            }
            literal++;
            BrokerConfig set = BrokerConfig.fromProperties(Map.of(setting.name(), setting.defaultValue()));
            assertEquals(unset, fingerprint(set), setting.name() + "=" + setting.defaultValue()
                    + " is documented as the default but changes the config");
        }
        assertTrue(literal > 50, "most defaults are values: " + literal);
    }

    @Test
    void theFingerprintSeesAChangeOfEverySetting() {
        // Guards the test above: a setting the fingerprint missed would pass it whatever its default.
        String unset = fingerprint(BrokerConfig.fromProperties(Map.of()));
        Map<String, String> changed = new LinkedHashMap<>();
        changed.put("listeners", "PLAINTEXT://127.0.0.1:19092");
        changed.put("advertised.listeners", "PLAINTEXT://example.com:19092");
        changed.put("log.dirs", "elsewhere");
        changed.put("log.dir", "elsewhere");
        changed.put("log.roll.hours", "1");
        changed.put("log.retention.minutes", "5");
        changed.put("log.retention.hours", "1");
        changed.put("log.cleaner.io.max.bytes.per.second", "1000");
        changed.put("socket.send.buffer.bytes", "65536");
        changed.put("socket.receive.buffer.bytes", "65536");
        changed.put("log.cleanup.policy", "compact");
        changed.put("fjord.durability", "sync");
        changed.put("compression.type", "lz4");
        changed.put("compression.gzip.level", "5");
        changed.put("log.cleaner.min.cleanable.ratio", "0.25");
        changed.put("auto.create.topics.enable", "false");
        changed.put("log.preallocate", "true");
        changed.put("unclean.leader.election.enable", "true");
        changed.put("num.network.threads", "3");
        changed.put("fjord.max.open.files", "77");
        changed.put("fjord.http.listener", "none");
        for (BrokerSetting setting : BrokerSettings.ALL) {
            String value = changed.get(setting.name());
            if (value == null) {
                if (setting.name().equals("min.insync.replicas")) {
                    continue; // only its default, 1, is accepted on one broker
                }
                // A numeric default: one more (or one less at the top of the range) is another value.
                long number;
                try {
                    number = Long.parseLong(setting.defaultValue());
                } catch (NumberFormatException e) {
                    throw new AssertionError("A new setting? Put a value other than its default for "
                            + setting.name() + " in this test's map 'changed'", e);
                }
                value = Long.toString(number == Integer.MAX_VALUE || number == Long.MAX_VALUE ? number - 1 : number + 1);
            }
            String withValue = fingerprint(BrokerConfig.fromProperties(Map.of(setting.name(), value)));
            assertNotEquals(unset, withValue, setting.name() + "=" + value + " changed nothing the test compares; "
                    + "a new setting's getter belongs in fingerprint()");
        }
    }

    @Test
    void aBadValueOfAnySettingIsRefusedNamingTheKey() {
        for (BrokerSetting setting : BrokerSettings.ALL) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> BrokerConfig.fromProperties(Map.of(setting.name(), "not,a,value")), setting.name());
            assertTrue(e.getMessage().contains(setting.name()), "names " + setting.name() + ": " + e.getMessage());
        }
    }

    @Test
    void anOutOfRangeNumberIsRefusedNamingTheKeyAndTheRange() {
        int ranged = 0;
        for (BrokerSetting setting : BrokerSettings.ALL) {
            String allowed = setting.allowed();
            if (!allowed.startsWith("int in ") && !allowed.startsWith("long in ")) {
                continue;
            }
            ranged++;
            String range = allowed.substring(allowed.indexOf('['));
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> BrokerConfig.fromProperties(Map.of(setting.name(), Long.toString(Long.MIN_VALUE))));
            assertEquals(setting.name() + ": " + Long.MIN_VALUE + " is not in " + range, e.getMessage());
        }
        assertTrue(ranged > 20, "ranged settings: " + ranged);
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("num.partitions", "0")));
        assertEquals("num.partitions: 0 is not in [1, 10000]", e.getMessage());
        InvalidConfigException topic = assertThrows(InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("log.segment.bytes", "10")));
        assertTrue(topic.getMessage().startsWith("log.segment.bytes: ") && topic.getMessage().contains("segment.bytes")
                && topic.getMessage().contains("[128, "), topic.getMessage());
    }

    @Test
    void kafkasOlderNamesAreAcceptedAndTheNewerOnesWin() {
        assertEquals(Path.of("old"), BrokerConfig.fromProperties(Map.of("log.dir", "old")).dataDir());
        assertEquals(Path.of("new"), BrokerConfig.fromProperties(Map.of("log.dir", "old", "log.dirs", "new")).dataDir());
        assertEquals(7, BrokerConfig.fromProperties(Map.of("broker.id", "7")).nodeId());
        assertEquals(3, BrokerConfig.fromProperties(Map.of("broker.id", "7", "node.id", "3")).nodeId());
        // The losing key is still checked.
        assertThrows(InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("log.dir", "a,b", "log.dirs", "new")));
    }

    @Test
    void retentionFollowsKafkasPrecedenceWhateverTheOrder() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("log.retention.ms", "1000");
        all.put("log.retention.minutes", "2");
        all.put("log.retention.hours", "3");
        assertEquals(1000, retentionMs(all));
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("log.retention.hours", "3");
        reversed.put("log.retention.minutes", "2");
        assertEquals(120_000, retentionMs(reversed));
        assertEquals(3 * 3_600_000L, retentionMs(Map.of("log.retention.hours", "3")));
        assertEquals(-1, retentionMs(Map.of("log.retention.minutes", "-1")), "-1 minutes: keep forever");
        assertEquals(-1, retentionMs(Map.of("log.retention.hours", "-1")));
        assertEquals(3_600_000, BrokerConfig.fromProperties(Map.of("log.roll.hours", "1", "log.roll.ms", "3600000"))
                .topicDefaults().segmentMs());
        assertEquals(2 * 3_600_000L, BrokerConfig.fromProperties(Map.of("log.roll.hours", "2"))
                .topicDefaults().segmentMs());
    }

    private static long retentionMs(Map<String, String> properties) {
        return BrokerConfig.fromProperties(properties).topicDefaults().retentionMs();
    }

    @Test
    void anUnknownKeyIsRefusedNamingTheClosestKnownKeysFirstThenFjords() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("log.retention.hour", "3")));
        String message = e.getMessage();
        assertTrue(message.startsWith("Unknown broker config 'log.retention.hour': neither Fjord's nor one of Kafka "
                + "4.4's broker configs; closest known: log.retention.hours, "), message);
        for (String name : BrokerSettings.names()) {
            assertTrue(message.contains(name), "names " + name + ": " + message);
        }
        assertEquals(1, message.lines().count(), "one line");
        assertTrue(UnknownSettingMessage.of("fjord.max.waiting.fetch")
                .contains("closest known: fjord.max.waiting.fetches, "));
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, EditDistance.between("node.id", "node.id"));
        assertEquals(1, EditDistance.between("node.id", "node.ids"));
        assertEquals(1, EditDistance.between("node.id", "node.i"));
        assertEquals(1, EditDistance.between("node.id", "nide.id"));
        assertEquals(3, EditDistance.between("", "abc"));
        assertEquals(3, EditDistance.between("kitten", "sitting"));
    }
}
