package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.FileRegion;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every topic config Kafka 4.4 documents, over the wire with Kafka's own Admin client: each is
 * accepted (and described back) or refused with INVALID_CONFIG and its reason, DescribeConfigs
 * lists them all with Kafka 4.4's defaults, and {@code compression.type} stores batches in the
 * topic's codec for consumers to read back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TopicConfigsTest {
    /**
     * Kafka 4.4's topic configs and their defaults, as its {@code LogConfig} defines them
     * (kafka-storage 4.4.0), rendered as DescribeConfigs renders them.
     */
    private static final Map<String, String> KAFKA_44_DEFAULTS = kafka44Defaults();

    /**
     * Names {@code org.apache.kafka.common.config.TopicConfig} still has that Kafka 4.4's broker no
     * longer accepts (its LogConfig does not define them), so DescribeConfigs does not list them.
     */
    private static final Set<String> REMOVED_IN_KAFKA_4 = Set.of("message.downconversion.enable");


    @TempDir
    Path dir;

    private LogEngine engine;
    private Broker broker;

    private void start(TopicConfig brokerTopicDefaults) {
        engine = LogEngine.open(EngineConfig.builder(dir).topicDefaults(brokerTopicDefaults).build());
        broker = Broker.start(engine, BrokerConfig.builder().listener("127.0.0.1", 0).build());
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private Admin admin() {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(a);
    }

    private static Map<String, String> kafka44Defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cleanup.policy", "delete");
        d.put("compression.gzip.level", "-1");
        d.put("compression.lz4.level", "9");
        d.put("compression.type", "producer");
        d.put("compression.zstd.level", "3");
        d.put("delete.retention.ms", "86400000");
        d.put("errors.deadletterqueue.group.enable", "false");
        d.put("file.delete.delay.ms", "60000");
        d.put("flush.messages", "9223372036854775807");
        d.put("flush.ms", "9223372036854775807");
        d.put("follower.replication.throttled.replicas", "");
        d.put("index.interval.bytes", "4096");
        d.put("leader.replication.throttled.replicas", "");
        d.put("local.retention.bytes", "-2");
        d.put("local.retention.ms", "-2");
        d.put("max.compaction.lag.ms", "9223372036854775807");
        d.put("max.decompressed.message.bytes", "2147483639");
        d.put("max.message.bytes", "1048588");
        d.put("message.timestamp.after.max.ms", "3600000");
        d.put("message.timestamp.before.max.ms", "9223372036854775807");
        d.put("message.timestamp.type", "CreateTime");
        d.put("min.cleanable.dirty.ratio", "0.5");
        d.put("min.compaction.lag.ms", "0");
        d.put("min.insync.replicas", "1");
        d.put("preallocate", "false");
        d.put("remote.copy.lag.bytes", "-1");
        d.put("remote.copy.lag.ms", "0");
        d.put("remote.log.copy.disable", "false");
        d.put("remote.log.delete.on.disable", "false");
        d.put("remote.storage.enable", "false");
        d.put("retention.bytes", "-1");
        d.put("retention.ms", "604800000");
        d.put("segment.bytes", "1073741824");
        d.put("segment.index.bytes", "10485760");
        d.put("segment.jitter.ms", "0");
        d.put("segment.ms", "604800000");
        d.put("unclean.leader.election.enable", "false");
        return d;
    }

    /** The config names kafka-clients 4.4 declares ({@code *_CONFIG} constants), by reflection. */
    private static Set<String> clientTopicConfigNames() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field field : org.apache.kafka.common.config.TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().endsWith("_CONFIG")
                    && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        // Kafka keeps the two throttled-replica lists in QuotaConfig (server side), not in TopicConfig.
        names.add("leader.replication.throttled.replicas");
        names.add("follower.replication.throttled.replicas");
        return names;
    }

    @Test
    void theDefaultsTableCoversEveryTopicConfigOfKafkaClients() throws Exception {
        Set<String> expected = new TreeSet<>(clientTopicConfigNames());
        expected.removeAll(REMOVED_IN_KAFKA_4);
        assertEquals(expected, new TreeSet<>(KAFKA_44_DEFAULTS.keySet()),
                "kafka-clients declares a topic config this test does not know");
    }

    @Test
    void describeConfigsListsEveryKafkaTopicConfigWithKafkasDefaults() throws Exception {
        start(TopicConfig.defaults());
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1))).all().get();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "plain");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            List<String> problems = new ArrayList<>();
            for (String name : clientTopicConfigNames()) {
                ConfigEntry entry = config.get(name);
                if (REMOVED_IN_KAFKA_4.contains(name)) {
                    if (entry != null) {
                        problems.add(name + " is listed, but Kafka 4.4 no longer has it");
                    }
                    continue;
                }
                if (entry == null) {
                    problems.add(name + " is missing");
                    continue;
                }
                if (!KAFKA_44_DEFAULTS.get(name).equals(entry.value())) {
                    problems.add(name + "=" + entry.value() + ", Kafka's default is " + KAFKA_44_DEFAULTS.get(name));
                }
                if (entry.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG || !entry.isDefault()) {
                    problems.add(name + " has source " + entry.source() + ", isDefault " + entry.isDefault());
                }
                if (entry.isReadOnly() || entry.isSensitive()) {
                    problems.add(name + " is read-only or sensitive");
                }
            }
            assertEquals(List.of(), problems);
        }
    }

    @Test
    void aBrokerWideDefaultIsDescribedAsTheBrokersAndOverriddenPerTopic() throws Exception {
        start(TopicConfig.of(Map.of("compression.type", "lz4", "compression.lz4.level", "12")));
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("inherits", 1, (short) 1),
                    new NewTopic("own", 1, (short) 1).configs(Map.of("compression.type", "gzip")))).all().get();
            ConfigResource inherits = new ConfigResource(ConfigResource.Type.TOPIC, "inherits");
            ConfigResource own = new ConfigResource(ConfigResource.Type.TOPIC, "own");
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(inherits, own)).all().get();
            ConfigEntry inherited = configs.get(inherits).get("compression.type");
            assertEquals("lz4", inherited.value());
            assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, inherited.source());
            assertFalse(inherited.isDefault());
            assertEquals("12", configs.get(inherits).get("compression.lz4.level").value());
            ConfigEntry overridden = configs.get(own).get("compression.type");
            assertEquals("gzip", overridden.value());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, overridden.source());

            ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config brokerConfig = admin.describeConfigs(List.of(brokerResource)).all().get().get(brokerResource);
            assertEquals("lz4", brokerConfig.get("compression.type").value());
            assertEquals("-1", brokerConfig.get("compression.gzip.level").value());

            // The broker default is honoured: a gzip batch is stored as lz4 on the inheriting topic.
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("gzip"))) {
                producer.send(new ProducerRecord<>("inherits", "k", "v")).get();
                producer.send(new ProducerRecord<>("own", "k", "v")).get();
            }
            assertEquals(List.of(CompressionType.LZ4), storedCodecs("inherits"));
            assertEquals(List.of(CompressionType.GZIP), storedCodecs("own"));
        }
    }

    /** A topic config and a value for it: accepted (and described back), or refused with this reason. */
    private record Row(String name, String value, String refusedBecause) {
        static Row ok(String name, String value) {
            return new Row(name, value, null);
        }

        static Row refused(String name, String value, String reason) {
            return new Row(name, value, reason);
        }
    }

    private static List<Row> rows() {
        return List.of(
                Row.ok("cleanup.policy", "compact,delete"),
                Row.ok("cleanup.policy", ""),
                Row.refused("cleanup.policy", "shred", "expected 'delete', 'compact', 'compact,delete', or ''"),
                Row.ok("compression.type", "zstd"),
                Row.refused("compression.type", "brotli", "expected one of uncompressed, zstd, lz4, snappy, gzip, producer"),
                Row.ok("compression.gzip.level", "9"),
                Row.refused("compression.gzip.level", "0", "must be in [1, 9] or -1"),
                Row.ok("compression.lz4.level", "17"),
                Row.refused("compression.lz4.level", "18", "must be in [1, 17]"),
                Row.ok("compression.zstd.level", "-7"),
                Row.refused("compression.zstd.level", "23", "must be in [-131072, 22]"),
                Row.ok("delete.retention.ms", "1000"),
                Row.ok("errors.deadletterqueue.group.enable", "false"),
                Row.refused("errors.deadletterqueue.group.enable", "true", "Fjord has no share groups"),
                Row.ok("file.delete.delay.ms", "0"),
                Row.ok("flush.messages", "1"),
                Row.ok("flush.ms", "0"),
                Row.ok("follower.replication.throttled.replicas", "0:1,1:1"),
                Row.refused("follower.replication.throttled.replicas", "*,0:1", "[partitionId]:[brokerId] pairs"),
                Row.ok("leader.replication.throttled.replicas", "*"),
                Row.refused("leader.replication.throttled.replicas", "0-1", "[partitionId]:[brokerId] pairs"),
                Row.ok("index.interval.bytes", "100"),
                Row.ok("local.retention.bytes", "-2"),
                Row.ok("local.retention.ms", "3600000"),
                Row.refused("local.retention.ms", "-3", "must be in [-2, "),
                Row.ok("max.compaction.lag.ms", "60000"),
                Row.ok("max.decompressed.message.bytes", "2147483639"),
                Row.refused("max.decompressed.message.bytes", "1000000", "bounds a decompressed batch as a whole"),
                Row.ok("max.message.bytes", "2000000"),
                Row.refused("message.downconversion.enable", "true", "removed in Kafka 4.0"),
                Row.ok("message.timestamp.after.max.ms", "7200000"),
                Row.ok("message.timestamp.before.max.ms", "86400000"),
                Row.ok("message.timestamp.type", "CreateTime"),
                Row.refused("message.timestamp.type", "LogAppendTime", "only 'CreateTime' is supported"),
                Row.ok("min.cleanable.dirty.ratio", "0.25"),
                Row.ok("min.compaction.lag.ms", "10"),
                Row.ok("min.insync.replicas", "1"),
                Row.refused("min.insync.replicas", "2", "Fjord is a single broker"),
                Row.ok("preallocate", "true"),
                Row.ok("remote.copy.lag.bytes", "1048576"),
                Row.ok("remote.copy.lag.ms", "-1"),
                Row.ok("remote.log.copy.disable", "false"),
                Row.ok("remote.log.delete.on.disable", "true"),
                Row.ok("remote.storage.enable", "false"),
                Row.refused("remote.storage.enable", "true", "tiered storage is not supported by Fjord"),
                Row.ok("retention.bytes", "1048576"),
                Row.ok("retention.ms", "-1"),
                Row.ok("segment.bytes", "1048576"),
                Row.ok("segment.index.bytes", "4096"),
                Row.ok("segment.jitter.ms", "60000"),
                Row.ok("segment.ms", "3600000"),
                Row.ok("unclean.leader.election.enable", "true"));
    }

    @Test
    void everyKafkaTopicConfigIsAcceptedOrRefusedByNameWithItsReason() throws Exception {
        Set<String> covered = new TreeSet<>();
        rows().forEach(row -> covered.add(row.name()));
        Set<String> required = new TreeSet<>(clientTopicConfigNames());
        required.removeAll(covered);
        assertEquals(Set.of(), required, "topic configs without a row in this table");

        start(TopicConfig.defaults());
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            Map<String, Row> byTopic = new HashMap<>();
            for (Row row : rows()) {
                String topic = "t" + topics.size();
                topics.add(new NewTopic(topic, 1, (short) 1).configs(Map.of(row.name(), row.value())));
                byTopic.put(topic, row);
            }
            CreateTopicsResult created = admin.createTopics(topics);
            List<ConfigResource> accepted = new ArrayList<>();
            for (Map.Entry<String, Row> entry : byTopic.entrySet()) {
                Row row = entry.getValue();
                Optional<Throwable> failure = failure(created, entry.getKey());
                if (row.refusedBecause() == null) {
                    assertTrue(failure.isEmpty(), row + " was refused: " + failure.orElse(null));
                    accepted.add(new ConfigResource(ConfigResource.Type.TOPIC, entry.getKey()));
                } else {
                    Throwable cause = failure.orElseThrow(() -> new AssertionError(row + " was accepted"));
                    assertInstanceOf(InvalidConfigurationException.class, cause, row.toString());
                    assertTrue(cause.getMessage().contains(row.name()) || cause.getMessage().contains(row.value()),
                            row + ": " + cause.getMessage());
                    assertTrue(cause.getMessage().contains(row.refusedBecause()), row + ": " + cause.getMessage());
                    assertFalse(admin.listTopics().names().get().contains(entry.getKey()), row + " left a topic");
                }
            }
            Map<ConfigResource, Config> described = admin.describeConfigs(accepted).all().get();
            for (ConfigResource resource : accepted) {
                Row row = byTopic.get(resource.name());
                ConfigEntry entry = described.get(resource).get(row.name());
                assertEquals(row.value(), entry.value(), row.toString());
                assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, entry.source(), row.toString());
                assertFalse(entry.isDefault(), row.toString());
            }
        }
    }

    private static Optional<Throwable> failure(CreateTopicsResult created, String topic) throws InterruptedException {
        try {
            created.values().get(topic).get();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause());
        }
    }

    private Properties producerProps(String compression) {
        Properties p = BrokerTestSupport.producerProps(broker.bootstrap());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        return p;
    }

    /** The codec of every batch stored in partition 0 of {@code topic}, CRC-checked by Kafka's reader. */
    private List<CompressionType> storedCodecs(String topic) throws Exception {
        FileRegion region = engine.partition(topic, 0).read(0, 64 * 1024 * 1024);
        ByteBuffer bytes = ByteBuffer.allocate(region.sizeBytes());
        if (region.readInto(bytes) != region.sizeBytes()) {
            fail("short read of " + topic);
        }
        List<CompressionType> codecs = new ArrayList<>();
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes.flip()).batches()) {
            batch.ensureValid();
            codecs.add(batch.compressionType());
        }
        return codecs;
    }

    @Test
    void everyProducerCodecIsStoredInTheTopicsCodecAndConsumedIntact() throws Exception {
        String[] producerCodecs = {"none", "gzip", "snappy", "lz4", "zstd"};
        String[] topicCodecs = {"uncompressed", "gzip", "snappy", "lz4", "zstd", "producer"};
        int recordsPerTopic = 200;
        start(TopicConfig.defaults());
        List<NewTopic> topics = new ArrayList<>();
        for (String producerCodec : producerCodecs) {
            for (String topicCodec : topicCodecs) {
                topics.add(new NewTopic(producerCodec + "-to-" + topicCodec, 1, (short) 1)
                        .configs(Map.of("compression.type", topicCodec)));
            }
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get();
        }
        for (String producerCodec : producerCodecs) {
            // Kafka's default producer: idempotent, so a recompressed batch must keep its sequences.
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(producerCodec))) {
                for (String topicCodec : topicCodecs) {
                    String topic = producerCodec + "-to-" + topicCodec;
                    for (int i = 0; i < recordsPerTopic; i++) {
                        producer.send(new ProducerRecord<>(topic, null, 1_700_000_000_000L + i,
                                i % 7 == 0 ? null : "key-" + i, "value " + i + " of " + topic));
                    }
                }
                producer.flush();
            }
        }
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach(topic -> partitions.add(new TopicPartition(topic.name(), 0)));
        Map<String, List<ConsumerRecord<String, String>>> consumed = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                BrokerTestSupport.consumerProps(broker.bootstrap()))) {
            for (ConsumerRecord<String, String> record : BrokerTestSupport.readAll(consumer, partitions,
                    Duration.ofSeconds(60))) {
                consumed.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record);
            }
        }
        for (String producerCodec : producerCodecs) {
            for (String topicCodec : topicCodecs) {
                String topic = producerCodec + "-to-" + topicCodec;
                List<ConsumerRecord<String, String>> records = consumed.get(topic);
                assertEquals(recordsPerTopic, records.size(), topic);
                for (int i = 0; i < recordsPerTopic; i++) {
                    ConsumerRecord<String, String> record = records.get(i);
                    assertEquals(i, record.offset(), topic);
                    assertEquals(1_700_000_000_000L + i, record.timestamp(), topic);
                    if (i % 7 == 0) {
                        assertNull(record.key(), topic);
                    } else {
                        assertEquals("key-" + i, record.key(), topic);
                    }
                    assertEquals("value " + i + " of " + topic, record.value(), topic);
                }
                CompressionType expected = switch (topicCodec) {
                    case "producer" -> CompressionType.forName(producerCodec);
                    case "uncompressed" -> CompressionType.NONE;
                    default -> CompressionType.forName(topicCodec);
                };
                List<CompressionType> stored = storedCodecs(topic);
                assertFalse(stored.isEmpty(), topic);
                for (CompressionType codec : stored) {
                    assertEquals(expected, codec, topic + " stores " + stored);
                }
            }
        }
    }

    @Test
    void alterConfigsRefuseALevelOutsideKafkasRangeAndConflictingCompactionLags() throws Exception {
        start(TopicConfig.defaults());
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("alter", 1, (short) 1))).all().get();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "alter");
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(Map.of(
                    resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                            new ConfigEntry("compression.zstd.level", "99"),
                            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get());
            assertInstanceOf(InvalidConfigurationException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("compression.zstd.level"), e.getCause().getMessage());
            ExecutionException conflict = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(
                    Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                            new ConfigEntry("max.compaction.lag.ms", "100"),
                            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET),
                            new org.apache.kafka.clients.admin.AlterConfigOp(new ConfigEntry("min.compaction.lag.ms",
                                    "200"), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get());
            assertInstanceOf(InvalidConfigurationException.class, conflict.getCause());
            assertTrue(conflict.getCause().getMessage().contains("min.compaction.lag.ms (200) > max.compaction.lag.ms"),
                    conflict.getCause().getMessage());
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new ConfigEntry("compression.type", "snappy"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("zstd"))) {
                producer.send(new ProducerRecord<>("alter", "k", "v")).get();
            }
            assertEquals(List.of(CompressionType.SNAPPY), storedCodecs("alter"));

            // The throttled-replica lists are Kafka LIST configs: APPEND and SUBTRACT work on them.
            for (String replica : new String[] {"0:1", "1:1", "0:1"}) {
                admin.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                        new ConfigEntry("leader.replication.throttled.replicas", replica),
                        org.apache.kafka.clients.admin.AlterConfigOp.OpType.APPEND)))).all().get();
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new ConfigEntry("leader.replication.throttled.replicas", "0:1"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SUBTRACT)))).all().get();
            assertEquals("1:1", admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("leader.replication.throttled.replicas").value());
        }
    }
}
