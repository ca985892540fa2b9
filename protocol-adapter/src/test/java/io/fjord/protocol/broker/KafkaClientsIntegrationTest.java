package io.fjord.protocol.broker;

import io.fjord.testsupport.Waits;
import io.fjord.log.LogEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The newest kafka-clients, unchanged, against an in-process Fjord broker on an ephemeral port. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaClientsIntegrationTest {
    @TempDir
    Path dir;

    private LogEngine engine;
    private Broker broker;

    @BeforeEach
    void start() {
        engine = LogEngine.open(dir);
        broker = Broker.start(engine, BrokerConfig.builder().listener("127.0.0.1", 0).numPartitions(4).build());
    }

    @AfterEach
    void stop() {
        broker.close();
        engine.close();
    }

    private Properties producerProps(String compression) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    private KafkaConsumer<String, String> consumer() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(c);
    }

    private Admin admin() {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(a);
    }

    private record Sent(String topic, int partition, long offset, long timestamp, String key, String value,
                        String header) {
    }

    @Test
    void hundredThousandRecordsWithEveryCompressionRoundTrip() throws Exception {
        Map<String, Integer> counts = Map.of("none", 60_000, "gzip", 10_000, "snappy", 10_000, "lz4", 10_000,
                "zstd", 10_000);
        List<Sent> sent = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            String topic = "records-" + entry.getKey(); // auto-created by the producer's metadata request
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            // the default producer: idempotent, acks=all
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(entry.getKey()))) {
                for (int i = 0; i < entry.getValue(); i++) {
                    ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, 1_700_000_000_000L + i,
                            i % 10 == 0 ? null : "key-" + i, "value-" + entry.getKey() + "-" + i);
                    if (i % 3 == 0) {
                        record.headers().add(new RecordHeader("h", ("header-" + i).getBytes(StandardCharsets.UTF_8)));
                    }
                    records.add(record);
                    acks.add(producer.send(record));
                }
                producer.flush();
            }
            for (int i = 0; i < records.size(); i++) {
                RecordMetadata metadata = acks.get(i).get();
                ProducerRecord<String, String> record = records.get(i);
                sent.add(new Sent(topic, metadata.partition(), metadata.offset(), record.timestamp(), record.key(),
                        record.value(), i % 3 == 0 ? "header-" + i : null));
            }
        }
        assertEquals(100_000, sent.size());

        Map<String, Sent> expected = new HashMap<>();
        for (Sent s : sent) {
            expected.put(s.topic() + "/" + s.partition() + "/" + s.offset(), s);
        }
        assertEquals(100_000, expected.size(), "every acknowledged record has its own offset");
        List<TopicPartition> partitions = new ArrayList<>();
        for (String compression : counts.keySet()) {
            for (int p = 0; p < 4; p++) {
                partitions.add(new TopicPartition("records-" + compression, p));
            }
        }
        int received = 0;
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Waits.Deadline deadline = Waits.deadline(Duration.ofSeconds(300));
            while (received < 100_000 && !deadline.passed()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    Sent s = expected.remove(record.topic() + "/" + record.partition() + "/" + record.offset());
                    assertTrue(s != null, "unexpected or duplicate record " + record);
                    assertEquals(s.key(), record.key());
                    assertEquals(s.value(), record.value());
                    assertEquals(s.timestamp(), record.timestamp());
                    var header = record.headers().lastHeader("h");
                    assertEquals(s.header(), header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                    received++;
                }
            }
        }
        assertEquals(100_000, received, "missing: " + expected.size());
    }

    @Test
    void adminManagesTopicsConfigsOffsetsAndRecords() throws Exception {
        try (Admin admin = admin();
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("none"))) {
            admin.createTopics(List.of(new NewTopic("admin-t", 3, (short) 1)
                    .configs(Map.of("retention.ms", "3600000", "segment.bytes", "1048576")))).all().get();
            ExecutionException exists = assertThrows(ExecutionException.class,
                    () -> admin.createTopics(List.of(new NewTopic("admin-t", 1, (short) 1))).all().get());
            assertInstanceOf(TopicExistsException.class, exists.getCause());
            assertTrue(admin.listTopics().names().get().contains("admin-t"));
            TopicDescription description = admin.describeTopics(List.of("admin-t")).allTopicNames().get().get("admin-t");
            assertEquals(3, description.partitions().size());

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "admin-t");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("3600000", config.get("retention.ms").value());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("segment.bytes", ""), AlterConfigOp.OpType.DELETE)))).all().get();
            config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("7200000", config.get("retention.ms").value());
            assertEquals(Integer.toString(1 << 30), config.get("segment.bytes").value());
            assertEquals(7200000, engine.effectiveTopicConfig("admin-t").retentionMs());

            admin.createPartitions(Map.of("admin-t", NewPartitions.increaseTo(4))).all().get();
            assertEquals(4, engine.partitionCount("admin-t"));

            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("admin-t", 0, 1_000_000L + i * 1000, "k" + i, "v" + i)).get();
            }
            TopicPartition tp = new TopicPartition("admin-t", 0);
            assertEquals(0, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset());
            assertEquals(10, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset());
            var byTime = admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(1_004_500L))).all().get().get(tp);
            assertEquals(5, byTime.offset());
            assertEquals(1_005_000L, byTime.timestamp());
            assertEquals(-1, admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(9_000_000L))).all().get().get(tp)
                    .offset());

            assertEquals(4, admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp)
                    .get().lowWatermark());
            assertEquals(4, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset());
            try (KafkaConsumer<String, String> consumer = consumer()) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                Waits.repeatUntil(Duration.ofSeconds(60), () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                    return records.size() >= 6;
                }, () -> "6 records after the deletion point; got " + records.size());
                assertEquals(6, records.size());
                assertEquals(4, records.get(0).offset());
            }

            String clusterId = admin.describeCluster().clusterId().get();
            assertTrue(clusterId != null && !clusterId.isEmpty());
            assertEquals(1, admin.describeCluster().nodes().get().size());

            admin.deleteTopics(List.of("admin-t")).all().get();
            assertTrue(!admin.listTopics().names().get().contains("admin-t"));
            ExecutionException missing = assertThrows(ExecutionException.class,
                    () -> admin.deleteTopics(List.of("admin-t")).all().get());
            assertInstanceOf(UnknownTopicOrPartitionException.class, missing.getCause());
            assertEquals(Set.of(), Set.copyOf(admin.listTopics().names().get()));
        }
    }
}
