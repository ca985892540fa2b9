package io.fjord.client;

import io.fjord.testsupport.Waits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.group.GroupConfig;
import io.fjord.protocol.broker.Broker;
import io.fjord.protocol.broker.BrokerConfig;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of the embedded client: the same Kafka client code, once with KafkaProducer and
 * KafkaConsumer over the wire to an in-process Fjord broker, once with FjordClients over an
 * engine, gives the same partitions, offsets, keys, values, headers and committed offsets.
 */
class SideBySideScenarioTest {
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 60;
    private static final String GROUP = "scenario-group";
    private static final long SCENARIO_DEADLINE_MS = 60_000;

    @TempDir
    Path dir;

    /** What a run observed, in a form that is equal across runs when the behaviour is. */
    record Outcome(List<String> sent, Map<Integer, List<String>> consumedByPartition, Map<Integer, Long> committed) {
    }

    @Test
    @Timeout(180)
    void kafkaClientsOverTheBrokerAndEmbeddedClientsAgree() throws Exception {
        Outcome overWire;
        try (LogEngine engine = openEngine(dir.resolve("wire"));
             Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            engine.createTopic(TOPIC, PARTITIONS);
            String bootstrap = broker.bootstrap();
            overWire = scenario(
                    props -> new KafkaProducer<>(withBootstrap(props, bootstrap)),
                    props -> new KafkaConsumer<>(withBootstrap(props, bootstrap)));
        }
        Outcome embedded;
        try (LogEngine engine = openEngine(dir.resolve("embedded"))) {
            engine.createTopic(TOPIC, PARTITIONS);
            embedded = scenario(props -> FjordClients.producer(engine, props),
                    props -> FjordClients.consumer(engine, props));
        }
        assertEquals(RECORDS, overWire.sent().size());
        assertEquals(RECORDS, overWire.consumedByPartition().values().stream().mapToInt(List::size).sum());
        System.out.println("over the wire: " + overWire);
        System.out.println("embedded:      " + embedded);
        assertEquals(overWire, embedded);
    }

    private static LogEngine openEngine(Path path) {
        // No initial rebalance delay: the scenario's group forms in milliseconds, not 3 s.
        return LogEngine.open(EngineConfig.builder(path)
                .groupConfig(GroupConfig.defaults().withInitialRebalanceDelayMs(0)).build());
    }

    private static Properties withBootstrap(Properties props, String bootstrap) {
        Properties copy = new Properties();
        copy.putAll(props);
        copy.put("bootstrap.servers", bootstrap);
        return copy;
    }

    // ---------------------------------------------------------------- the shared scenario

    private static Outcome scenario(Function<Properties, Producer<String, String>> producers,
                                    Function<Properties, Consumer<String, String>> consumers) throws Exception {
        List<String> sent = produce(producers);
        Map<Integer, Long> endOffsets = new TreeMap<>();
        for (String s : sent) {
            String[] parts = s.split("@");
            int partition = Integer.parseInt(parts[1].split(":")[0]);
            endOffsets.merge(partition, 1L, Long::sum);
        }
        Map<String, String> consumed = consumeWithGroup(consumers, endOffsets);
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        consumed.forEach((where, what) -> byPartition.computeIfAbsent(Integer.parseInt(where.split(":")[0]),
                p -> new ArrayList<>()).add(where + " " + what));
        byPartition.values().forEach(list -> list.sort((a, b) -> Long.compare(offsetOf(a), offsetOf(b))));
        return new Outcome(sent, byPartition, committed(consumers));
    }

    private static long offsetOf(String entry) {
        return Long.parseLong(entry.split(" ")[0].split(":")[1]);
    }

    /** Keyed records with headers; returns "key=value@partition:offset" in send order. */
    private static List<String> produce(Function<Properties, Producer<String, String>> producers) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "scenario-producer");
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<String> keyValues = new ArrayList<>();
        try (Producer<String, String> producer = producers.apply(props)) {
            for (int i = 0; i < RECORDS; i++) {
                String key = "customer-" + (i % 7);
                String value = "order-" + i;
                ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, key, value);
                record.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                record.headers().add("source", "scenario".getBytes(StandardCharsets.UTF_8));
                futures.add(producer.send(record));
                keyValues.add(key + "=" + value);
            }
            producer.flush();
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            RecordMetadata m = futures.get(i).get(10, TimeUnit.SECONDS);
            sent.add(keyValues.get(i) + "@" + m.partition() + ":" + m.offset());
        }
        return sent;
    }

    private static Properties consumerProps(String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "200");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "7"); // several polls and commits per partition
        return props;
    }

    /**
     * Two group members on their own threads, each polling, recording and committing until the
     * commits of the group together reach every partition's end. Records seen twice (redelivered
     * after a rebalance) are kept once: the comparison is of what the group consumed.
     */
    private static Map<String, String> consumeWithGroup(Function<Properties, Consumer<String, String>> consumers,
                                                        Map<Integer, Long> endOffsets) throws Exception {
        Map<String, String> consumed = new ConcurrentHashMap<>();
        Map<Integer, Long> committedProgress = new ConcurrentHashMap<>();
        Waits.Deadline deadline = Waits.deadline(Duration.ofMillis(SCENARIO_DEADLINE_MS));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> members = new ArrayList<>();
            for (int m = 0; m < 2; m++) {
                String clientId = "scenario-consumer-" + m;
                members.add(threads.submit(() -> {
                    runMember(consumers.apply(consumerProps(clientId)), consumed, committedProgress, endOffsets,
                            deadline);
                    return null;
                }));
            }
            for (Future<?> member : members) {
                member.get(SCENARIO_DEADLINE_MS + 30_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "consumer threads did not stop");
        }
        assertEquals(endOffsets, new TreeMap<>(committedProgress), "the group did not commit everything in time");
        return consumed;
    }

    private static void runMember(Consumer<String, String> consumer, Map<String, String> consumed,
                                  Map<Integer, Long> committedProgress, Map<Integer, Long> endOffsets, Waits.Deadline deadline) {
        try (consumer) {
            consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    System.out.println(Thread.currentThread().getName() + " assigned " + partitions);
                }
            });
            while (!endOffsets.equals(new TreeMap<>(committedProgress)) && !deadline.passed()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, String> r : records) {
                    consumed.put(r.partition() + ":" + r.offset(), describe(r));
                }
                if (records.isEmpty() && consumer.assignment().isEmpty()) {
                    continue;
                }
                try {
                    consumer.commitSync();
                } catch (CommitFailedException | RebalanceInProgressException e) {
                    continue; // the partitions moved; their new owner re-reads from the last commit
                }
                for (TopicPartition tp : consumer.assignment()) {
                    committedProgress.merge(tp.partition(), consumer.position(tp), Math::max);
                }
            }
        }
    }

    private static String describe(ConsumerRecord<String, String> r) {
        StringBuilder headers = new StringBuilder();
        for (Header h : r.headers()) {
            headers.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(';');
        }
        return r.topic() + " " + r.key() + "=" + r.value() + " [" + headers + "] " + r.timestampType();
    }

    /** Committed offsets as a fresh member of the group sees them after both members left. */
    private static Map<Integer, Long> committed(Function<Properties, Consumer<String, String>> consumers) {
        Map<Integer, Long> result = new TreeMap<>();
        try (Consumer<String, String> checker = consumers.apply(consumerProps("scenario-checker"))) {
            Set<TopicPartition> all = Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2));
            Map<TopicPartition, OffsetAndMetadata> committed = checker.committed(all, Duration.ofSeconds(10));
            committed.forEach((tp, om) -> result.put(tp.partition(), om == null ? -1 : om.offset()));
        }
        return result;
    }
}
