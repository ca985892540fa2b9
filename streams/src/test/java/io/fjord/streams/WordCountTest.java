package io.fjord.streams;

import io.fjord.testsupport.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaClientSupplier;

import io.fjord.client.FjordClients;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.log.group.GroupDescription;
import io.fjord.protocol.broker.Broker;
import io.fjord.protocol.broker.BrokerConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Word count (groupBy + count over a persistent store with a changelog) on Fjord: embedded through
 * {@link FjordKafkaClientSupplier}, and over the wire with a plain KafkaStreams against an
 * in-process broker; both survive a restart of the application and the engine.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WordCountTest {
    static final String IN = "words-in";
    static final String OUT = "word-counts";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static Topology wordCount() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(IN, Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
                .filter((key, word) -> !word.isEmpty())
                .groupBy((key, word) -> word, Grouped.with("by-word", Serdes.String(), Serdes.String()))
                .count(Materialized.as("counts"))
                .toStream()
                .to(OUT, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    Properties streamsProps(String stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(stateDir).toString());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    @AfterEach
    void noStreamsThreadsLeft() {
        Waits.Deadline deadline = Waits.deadline(Duration.ofSeconds(60));
        while (true) {
            List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName)
                    .filter(n -> n.startsWith("word-count") || n.startsWith("kafka-producer-network-thread")
                            || n.startsWith("kafka-coordinator-heartbeat-thread") || n.startsWith("fjord-producer"))
                    .toList();
            if (left.isEmpty()) {
                return;
            }
            deadline.failIfPassed(() -> "threads left running: " + left);
            sleep(50);
        }
    }

    // ------------------------------------------------------------------------------- embedded

    @Test
    void embeddedWordCountResumesAfterRestart() {
        Path data = dir.resolve("data");
        try (LogEngine engine = LogEngine.open(data)) {
            engine.createTopic(IN, 2, TopicConfig.defaults());
            try (FjordStreams.Handle app = FjordStreams.start(engine, wordCount(), streamsProps("state-1"))) {
                assertEquals(KafkaStreams.State.RUNNING, app.state());
                // The embedded consumer ran Kafka Streams' own assignor (StreamsPartitionAssignor, "stream").
                GroupDescription group = engine.groupCoordinator().describeGroup("word-count");
                assertEquals("consumer", group.protocolType());
                assertEquals("stream", group.protocolName());
                produceEmbedded(engine, "the quick fox", "the lazy dog", "The fox");
                awaitCounts(engine, null, Map.of("the", 3L, "fox", 2L, "quick", 1L, "lazy", 1L, "dog", 1L));
            }
            assertTrue(engine.topicExists("word-count-counts-changelog"), engine.topics().toString());
            assertEquals("compact", engine.effectiveTopicConfig("word-count-counts-changelog").cleanupPolicy());
        }
        // New engine instance on the same data, and a fresh state dir: counts come back from the changelog.
        try (LogEngine engine = LogEngine.open(data);
             FjordStreams.Handle app = FjordStreams.start(engine, wordCount(), streamsProps("state-2"))) {
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            produceEmbedded(engine, "fox the", "cat");
            awaitCounts(engine, null, Map.of("the", 4L, "fox", 3L, "quick", 1L, "lazy", 1L, "dog", 1L, "cat", 1L));
        }
    }

    /** Which Admin calls Kafka Streams makes on the embedded engine: all must be ones FjordAdmin answers. */
    @Test
    void streamsUsesOnlySupportedAdminCalls() {
        Set<String> calls = ConcurrentHashMap.newKeySet();
        try (LogEngine engine = LogEngine.open(dir.resolve("data"))) {
            engine.createTopic(IN, 2, TopicConfig.defaults());
            FjordKafkaClientSupplier fjord = new FjordKafkaClientSupplier(engine);
            KafkaClientSupplier recording = new KafkaClientSupplier() {
                @Override
                public Admin getAdmin(Map<String, Object> config) {
                    Admin admin = fjord.getAdmin(config);
                    return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                            (proxy, method, args) -> {
                                calls.add(method.getName());
                                try {
                                    return method.invoke(admin, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                }

                @Override
                public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
                    return fjord.getProducer(config);
                }

                @Override
                public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
                    return fjord.getConsumer(config);
                }

                @Override
                public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
                    return fjord.getRestoreConsumer(config);
                }

                @Override
                public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
                    return fjord.getGlobalConsumer(config);
                }
            };
            Properties props = streamsProps("state");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:0");
            KafkaStreams streams = new KafkaStreams(wordCount(), props, recording);
            try {
                streams.start();
                awaitState(streams, KafkaStreams.State.RUNNING);
                produceEmbedded(engine, "a b a");
                awaitCounts(engine, null, Map.of("a", 2L, "b", 1L));
            } finally {
                assertTrue(streams.close(Duration.ofSeconds(30)));
            }
        }
        System.out.println("Admin calls by Kafka Streams: " + new TreeSet<>(calls));
        Set<String> supported = Set.of("createTopics", "describeTopics", "describeConfigs", "deleteTopics",
                "listOffsets", "deleteRecords", "registerMetricForSubscription", "unregisterMetricFromSubscription",
                "metrics", "close");
        assertTrue(supported.containsAll(calls), "unexpected Admin calls: " + calls);
        assertTrue(calls.contains("createTopics"), calls.toString());
    }

    private static void produceEmbedded(LogEngine engine, String... lines) {
        try (Producer<String, String> producer = FjordClients.producer(engine, Map.of(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < lines.length; i++) {
                producer.send(new ProducerRecord<>(IN, "line-" + i, lines[i]));
            }
            producer.flush();
        }
    }

    // ------------------------------------------------------------------------------ over the wire

    @Test
    void kafkaStreamsOverTheWireResumesAfterRestart() {
        Path data = dir.resolve("data");
        try (LogEngine engine = LogEngine.open(data)) {
            engine.createTopic(IN, 2, TopicConfig.defaults());
            // Streams creates its internal topics with message.timestamp.type=CreateTime, which the
            // broker's CreateTopics refuses (INVALID_CONFIG: unknown topic config); pre-created
            // topics with the right partition count and cleanup policy are validated and used.
            engine.createTopic("word-count-by-word-repartition", 2, TopicConfig.defaults());
            engine.createTopic("word-count-counts-changelog", 2,
                    TopicConfig.of(Map.of(TopicConfig.CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT)));
            Broker broker = Broker.start(engine, BrokerConfig.port(0));
            try {
                runOverWire(broker, "state-1", List.of("the quick fox", "the lazy dog", "The fox"),
                        Map.of("the", 3L, "fox", 2L, "quick", 1L, "lazy", 1L, "dog", 1L));
            } finally {
                broker.close();
            }
        }
        try (LogEngine engine = LogEngine.open(data)) {
            Broker broker = Broker.start(engine, BrokerConfig.port(0));
            try {
                runOverWire(broker, "state-2", List.of("fox the", "cat"),
                        Map.of("the", 4L, "fox", 3L, "quick", 1L, "lazy", 1L, "dog", 1L, "cat", 1L));
            } finally {
                broker.close();
            }
        }
    }

    private void runOverWire(Broker broker, String stateDir, List<String> lines, Map<String, Long> expected) {
        Properties props = streamsProps(stateDir);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        KafkaStreams streams = new KafkaStreams(wordCount(), props);
        try {
            streams.start();
            awaitState(streams, KafkaStreams.State.RUNNING);
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < lines.size(); i++) {
                    producer.send(new ProducerRecord<>(IN, "line-" + i, lines.get(i)));
                }
                producer.flush();
            }
            awaitCounts(null, broker, expected);
        } finally {
            // Leave the group, so the restarted application need not wait out the session timeout.
            assertTrue(streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30))), "streams closed");
        }
    }

    private static void awaitState(KafkaStreams streams, KafkaStreams.State state) {
        try {
            Waits.waitUntil(WAIT, () -> streams.state() == state,
                    () -> "KafkaStreams stayed " + streams.state() + ", expected " + state);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + state, e);
        }
    }

    // ------------------------------------------------------------------------------------ output

    /** Reads the output topic from the start (latest count per word) until it equals {@code expected}. */
    private static void awaitCounts(LogEngine engine, Broker broker, Map<String, Long> expected) {
        Map<String, Long> latest = new HashMap<>();
        Waits.Deadline deadline = Waits.deadline(WAIT);
        try (Consumer<String, Long> consumer = outputConsumer(engine, broker)) {
            while (!latest.equals(expected)) {
                deadline.failIfPassed(() -> "counts " + latest + ", expected " + expected);
                if (consumer.assignment().isEmpty()) {
                    List<TopicPartition> partitions = consumer.partitionsFor(OUT, Duration.ofSeconds(1)).stream()
                            .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                    if (partitions.isEmpty()) {
                        sleep(50);
                        continue;
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                }
                for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(100))) {
                    latest.put(record.key(), record.value());
                }
            }
        }
    }

    private static Consumer<String, Long> outputConsumer(LogEngine engine, Broker broker) {
        if (engine != null) {
            return FjordClients.consumer(engine, Map.of(), new StringDeserializer(), new LongDeserializer());
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return new KafkaConsumer<>(p, new StringDeserializer(), new LongDeserializer());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
