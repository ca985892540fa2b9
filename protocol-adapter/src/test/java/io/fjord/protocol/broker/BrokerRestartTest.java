package io.fjord.protocol.broker;

import io.fjord.testsupport.Waits;
import io.fjord.log.LogEngine;
import io.fjord.testsupport.TestSeeds;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Restarts under a real client: a clean close and reopen keeps every record at its offset; a
 * {@code kill -9} of a broker JVM under an idempotent acks=all producer loses no acknowledged
 * record and leaves contiguous offsets.
 */
class BrokerRestartTest {
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;
    /** The child's stdout and stderr, beside (not inside) the data directory the engine owns. */
    @TempDir
    Path logs;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void cleanRestartKeepsEveryRecordAtItsOffset() throws Exception {
        long seed = TestSeeds.seed("BrokerRestartTest.cleanRestart");
        Random random = new Random(seed);
        String topic = "restart";
        int count = 20_000;
        Map<TopicPartition, Map<Long, String>> written = new HashMap<>();
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            engine.createTopic(topic, PARTITIONS);
            produce(broker.bootstrap(), topic, 0, count, random, written);
        }
        assertEquals(count, written.values().stream().mapToInt(Map::size).sum(), "acknowledged records");

        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            assertEquals(written, readAll(broker.bootstrap(), topic), "records after a clean restart");
            // The log goes on where it stopped.
            Map<TopicPartition, Map<Long, String>> more = new HashMap<>();
            produce(broker.bootstrap(), topic, count, 1_000, random, more);
            more.forEach((tp, records) -> {
                long firstNew = records.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
                assertEquals(written.get(tp).size(), firstNew, "first offset after the restart in " + tp);
                written.get(tp).putAll(records);
            });
            assertEquals(written, readAll(broker.bootstrap(), topic), "records after producing on");
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void killDashNineLosesNoAcknowledgedRecord() throws Exception {
        String topic = "crash";
        int killAfterAcks = 5_000;
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic(topic, PARTITIONS);
        }
        Map<Integer, long[]> acked = new ConcurrentHashMap<>();   // seq -> {partition, offset}
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        AtomicBoolean killed = new AtomicBoolean();
        int sent = 0;
        Process child = startChild();
        try {
            String bootstrap = awaitBootstrap(child);
            Properties props = BrokerTestSupport.producerProps(bootstrap);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, "4096"); // many small batches: the kill lands mid-stream
            KafkaProducer<String, String> producer = new KafkaProducer<>(props);
            try {
                Waits.Deadline deadline = Waits.deadline(Duration.ofSeconds(90));
                while (!killed.get()) {
                    int seq = sent++;
                    producer.send(new ProducerRecord<>(topic, seq % PARTITIONS, "k" + seq, "v" + seq),
                            (metadata, exception) -> {
                                if (exception == null) {
                                    acked.put(seq, new long[]{metadata.partition(), metadata.offset()});
                                    // SIGKILL from the producer's I/O thread, while this thread keeps sending.
                                    if (acked.size() >= killAfterAcks && killed.compareAndSet(false, true)) {
                                        child.destroyForcibly();
                                    }
                                } else {
                                    failed.incrementAndGet();
                                    firstFailure.compareAndSet(null, exception);
                                }
                            });
                    if (deadline.passed()) {
                        fail("only " + acked.size() + " acks after " + sent + " sends in " + deadline.timeout()
                                + "; first failure: " + firstFailure.get() + "\nchild stderr:\n" + childLog("err"));
                    }
                }
                System.out.println("kill -9 with " + sent + " sent");
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child exits after SIGKILL");
            } finally {
                // Gives up on the dead broker; every callback has run once close returns.
                producer.close(Duration.ofSeconds(2));
            }
        } finally {
            stopChild(child);
        }
        System.out.println("sent " + sent + ", acknowledged " + acked.size() + ", failed " + failed.get());
        assertTrue(acked.size() >= killAfterAcks, "acks before the kill");

        // Recover in-process from the killed broker's directory.
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            Map<TopicPartition, Map<Long, String>> recovered = readAll(broker.bootstrap(), topic);
            int total = recovered.values().stream().mapToInt(Map::size).sum();
            System.out.println("recovered " + total + " records");
            Set<String> seen = new HashSet<>();
            recovered.forEach((tp, records) -> {
                long expected = 0;
                for (Map.Entry<Long, String> e : records.entrySet()) {
                    assertEquals(expected++, e.getKey(), "contiguous offsets in " + tp);
                    assertTrue(seen.add(e.getValue()), "duplicate record " + e.getValue() + " in " + tp
                            + " (idempotent producer)");
                }
            });
            for (Map.Entry<Integer, long[]> ack : acked.entrySet()) {
                int seq = ack.getKey();
                TopicPartition tp = new TopicPartition(topic, (int) ack.getValue()[0]);
                long offset = ack.getValue()[1];
                String atOffset = recovered.getOrDefault(tp, Map.of()).get(offset);
                assertNotNull(atOffset, "acknowledged record " + seq + " at " + tp + "@" + offset + " lost; "
                        + tp + " has " + recovered.getOrDefault(tp, Map.of()).size() + " records");
                assertEquals("k" + seq + "=v" + seq, atOffset, "acknowledged record at " + tp + "@" + offset);
            }
        }
    }

    // ---------------------------------------------------------------- child JVM

    private Process startChild() throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ChildBroker.class.getName(), dir.toString());
        builder.redirectOutput(childLogFile("out").toFile());
        builder.redirectError(childLogFile("err").toFile());
        return builder.start(); // stdin stays a pipe: closing it stops the child
    }

    private String awaitBootstrap(Process child) throws Exception {
        Waits.Deadline deadline = Waits.deadline(Duration.ofSeconds(60));
        while (!deadline.passed()) {
            for (String line : childLog("out").split("\n")) {
                if (line.startsWith("BOOTSTRAP ")) {
                    return line.substring("BOOTSTRAP ".length()).trim();
                }
            }
            if (!child.isAlive()) {
                fail("child broker exited with " + child.exitValue() + ":\n" + childLog("err"));
            }
            Thread.sleep(20);
        }
        fail("child broker printed no BOOTSTRAP line in 60 s:\n" + childLog("err"));
        return null;
    }

    private static void stopChild(Process child) throws InterruptedException {
        if (child.isAlive()) {
            child.destroyForcibly();
        }
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            fail("child broker " + child.pid() + " did not exit after SIGKILL");
        }
    }

    private Path childLogFile(String stream) {
        return logs.resolve("child." + stream);
    }

    private String childLog(String stream) throws IOException {
        Path file = childLogFile(stream);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    // ---------------------------------------------------------------- clients

    /** Sends records {@code first..first+count-1} with random partitions and value sizes; records where they landed. */
    private static void produce(String bootstrap, String topic, int first, int count, Random random,
                                Map<TopicPartition, Map<Long, String>> written) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(BrokerTestSupport.producerProps(bootstrap))) {
            for (int i = first; i < first + count; i++) {
                String key = "k" + i;
                String value = "v" + i + "-" + "x".repeat(random.nextInt(200));
                futures.add(producer.send(new ProducerRecord<>(topic, random.nextInt(PARTITIONS), key, value)));
                payloads.add(key + "=" + value);
            }
            producer.flush();
            for (int i = 0; i < futures.size(); i++) {
                RecordMetadata metadata = futures.get(i).get(60, TimeUnit.SECONDS);
                written.computeIfAbsent(new TopicPartition(topic, metadata.partition()), tp -> new java.util.TreeMap<>())
                        .put(metadata.offset(), payloads.get(i));
            }
        }
    }

    /** Every record of every partition of {@code topic}: partition -> offset -> "key=value", offsets sorted. */
    private static Map<TopicPartition, Map<Long, String>> readAll(String bootstrap, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, Map<Long, String>> result = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(BrokerTestSupport.consumerProps(bootstrap))) {
            for (ConsumerRecord<String, String> r : BrokerTestSupport.readAll(consumer, partitions, Duration.ofSeconds(90))) {
                String previous = result.computeIfAbsent(new TopicPartition(r.topic(), r.partition()),
                        tp -> new java.util.TreeMap<>()).put(r.offset(), r.key() + "=" + r.value());
                assertEquals(null, previous, "offset " + r.offset() + " delivered twice");
            }
        }
        return result;
    }
}
