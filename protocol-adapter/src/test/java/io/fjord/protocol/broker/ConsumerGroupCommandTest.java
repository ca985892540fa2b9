package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.testsupport.TestSeeds;
import io.fjord.testsupport.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kafka's own {@code kafka-consumer-groups} (ConsumerGroupCommand from kafka-tools) against an
 * in-process broker: list, describe with lag, reset offsets to earliest, delete offsets, delete
 * the group. kafka-tools needs its own kafka-clients (older than the tests'), so it runs in a child
 * JVM on the jars the kafka-tools-oracle module copies to its target/kafka-tools-lib/.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsumerGroupCommandTest {
    private static final String TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static final String TOPIC = "tool-topic";
    private static final int PARTITIONS = 3;
    private static final long TOOL_TIMEOUT_SECONDS = 60;

    private static Path toolsLib;

    @TempDir
    Path dir;
    @TempDir
    Path work;

    @BeforeAll
    static void findKafkaTools() throws IOException {
        Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        toolsLib = basedir.resolve("../kafka-tools-oracle/target/kafka-tools-lib").toAbsolutePath().normalize();
        boolean present = false;
        if (Files.isDirectory(toolsLib)) {
            try (Stream<Path> jars = Files.list(toolsLib)) {
                present = jars.anyMatch(j -> j.getFileName().toString().matches("kafka-tools-\\d.*\\.jar"));
            }
        }
        if (!present) {
            fail("kafka-tools jars not found in " + toolsLib + ": build the oracle module first"
                    + " (mvn -B install -f kafka-tools-oracle/pom.xml, or the whole reactor from the root)");
        }
    }

    @Test
    void listDescribeResetDeleteOffsetsAndDelete() throws Exception {
        Random random = new Random(TestSeeds.seed("ConsumerGroupCommandTest"));
        String group = "tool-group-" + Integer.toHexString(random.nextInt());
        // partition -> records produced, and -> offset committed (in [0, produced])
        long[] produced = new long[PARTITIONS];
        long[] committed = new long[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            produced[p] = 5 + random.nextInt(40);
            committed[p] = p == 0 ? produced[p] : random.nextInt((int) produced[p]); // p0: no lag
        }
        long deletedBefore = Math.min(3, produced[2]); // partition 2 starts later: earliest is not 0
        System.out.println("produced " + Arrays.toString(produced) + ", committed " + Arrays.toString(committed));

        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0));
             Admin admin = BrokerTestSupport.admin(broker.bootstrap())) {
            engine.createTopic(TOPIC, PARTITIONS);
            String bootstrap = broker.bootstrap();
            produce(bootstrap, produced);

            Properties props = BrokerTestSupport.groupConsumerProps(bootstrap, group);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tool-test-client");
            props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "90000"); // stays a member while the tool runs
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(List.of(TOPIC));
                Waits.repeatUntil(Duration.ofSeconds(60), () -> {
                    consumer.poll(Duration.ofMillis(100));
                    return consumer.assignment().size() >= PARTITIONS;
                }, () -> "a full assignment; have " + consumer.assignment());
                Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    commits.put(tp(p), new OffsetAndMetadata(committed[p], "tool-test-" + p));
                }
                consumer.commitSync(commits, Duration.ofSeconds(30));

                // --list
                String list = tool("--bootstrap-server", bootstrap, "--list");
                assertTrue(lines(list).contains(group), "--list shows " + group + ":\n" + list);

                // --describe: one row per partition, offsets and lag as produced and committed
                String describe = tool("--bootstrap-server", bootstrap, "--describe", "--group", group);
                Map<Integer, Map<String, String>> rows = table(describe, "PARTITION");
                assertEquals(PARTITIONS, rows.size(), "--describe rows:\n" + describe);
                for (int p = 0; p < PARTITIONS; p++) {
                    Map<String, String> row = rows.get(p);
                    assertTrue(row != null, "--describe has no row for partition " + p + ":\n" + describe);
                    assertEquals(group, row.get("GROUP"), "GROUP of partition " + p + ":\n" + describe);
                    assertEquals(TOPIC, row.get("TOPIC"), "TOPIC of partition " + p + ":\n" + describe);
                    assertEquals(Long.toString(committed[p]), row.get("CURRENT-OFFSET"),
                            "CURRENT-OFFSET of partition " + p + ":\n" + describe);
                    assertEquals(Long.toString(produced[p]), row.get("LOG-END-OFFSET"),
                            "LOG-END-OFFSET of partition " + p + ":\n" + describe);
                    assertEquals(Long.toString(produced[p] - committed[p]), row.get("LAG"),
                            "LAG of partition " + p + ":\n" + describe);
                    assertNotEquals("-", row.get("CONSUMER-ID"), "an active member owns partition " + p + ":\n"
                            + describe);
                    assertEquals("tool-test-client", row.get("CLIENT-ID"), "CLIENT-ID of partition " + p + ":\n"
                            + describe);
                }
            } // close: LeaveGroup, so the group is inactive for the reset

            Waits.waitUntil(Duration.ofSeconds(30), () -> describeMembers(admin, group) == 0,
                    () -> "group " + group + " has no members after the consumer closed");
            admin.deleteRecords(Map.of(tp(2), RecordsToDelete.beforeOffset(deletedBefore))).all()
                    .get(30, TimeUnit.SECONDS);

            // --reset-offsets --to-earliest --execute
            String reset = tool("--bootstrap-server", bootstrap, "--reset-offsets", "--group", group, "--topic", TOPIC,
                    "--to-earliest", "--execute");
            Map<Integer, Map<String, String>> resetRows = table(reset, "PARTITION");
            Map<TopicPartition, Long> earliest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                earliest.put(tp(p), p == 2 ? deletedBefore : 0L);
                Map<String, String> row = resetRows.get(p);
                assertTrue(row != null, "--reset-offsets has no row for partition " + p + ":\n" + reset);
                assertEquals(Long.toString(earliest.get(tp(p))), row.get("NEW-OFFSET"),
                        "NEW-OFFSET of partition " + p + ":\n" + reset);
            }
            assertEquals(earliest, offsets(admin, group), "committed offsets after --reset-offsets --to-earliest");

            // --delete-offsets for partition 0 only
            tool("--bootstrap-server", bootstrap, "--delete-offsets", "--group", group, "--topic", TOPIC + ":0");
            Map<TopicPartition, Long> remaining = new HashMap<>(earliest);
            remaining.remove(tp(0));
            assertEquals(remaining, offsets(admin, group), "committed offsets after --delete-offsets of partition 0");

            // --delete
            String delete = tool("--bootstrap-server", bootstrap, "--delete", "--group", group);
            assertTrue(delete.contains("successful"), "--delete reports success:\n" + delete);
            List<String> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(GroupListing::groupId).collect(Collectors.toList());
            assertTrue(!groups.contains(group), "deleted group still listed: " + groups);
            assertEquals(Map.of(), offsets(admin, group), "committed offsets of the deleted group");
        }
    }

    // ---------------------------------------------------------------- the tool

    /** Runs kafka-consumer-groups with {@code args} in a child JVM; returns stdout; fails on a nonzero exit or timeout. */
    private String tool(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "tool", ".out");
        Path err = Files.createTempFile(work, "tool", ".err");
        String command = "kafka-consumer-groups " + String.join(" ", args);
        long start = System.nanoTime();
        Process process = BrokerTestSupport.startJvm(toolsLib + File.separator + "*", out, err, TOOL, args);
        try {
            process.getOutputStream().close(); // no input
            if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail(command + " did not finish in " + TOOL_TIMEOUT_SECONDS + " s; stdout:\n"
                        + BrokerTestSupport.readText(out) + "\nstderr:\n" + BrokerTestSupport.readText(err));
            }
            String stdout = BrokerTestSupport.readText(out);
            System.out.printf("$ %s  (%.1f s, exit %d)%n%s%n", command, (System.nanoTime() - start) / 1e9,
                    process.exitValue(), stdout);
            assertEquals(0, process.exitValue(), command + " failed; stdout:\n" + stdout + "\nstderr:\n"
                    + BrokerTestSupport.readText(err));
            return stdout;
        } finally {
            BrokerTestSupport.killAndReap(process);
        }
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }

    /**
     * The tool's table: the line starting with "GROUP" is the header; each following line of as
     * many whitespace-separated cells is a row, keyed by its {@code keyColumn} (an int).
     */
    private static Map<Integer, Map<String, String>> table(String text, String keyColumn) {
        Map<Integer, Map<String, String>> rows = new HashMap<>();
        List<String> header = null;
        for (String line : lines(text)) {
            List<String> cells = List.of(line.split("\\s+"));
            if (cells.get(0).equals("GROUP") && cells.contains(keyColumn)) {
                header = cells;
                continue;
            }
            if (header == null || cells.size() != header.size()) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), cells.get(i));
            }
            try {
                rows.put(Integer.parseInt(row.get(keyColumn)), row);
            } catch (NumberFormatException e) {
                // not a row
            }
        }
        if (header == null) {
            fail("no table with a " + keyColumn + " column in:\n" + text);
        }
        return rows;
    }

    // ---------------------------------------------------------------- clients

    private static TopicPartition tp(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    private static void produce(String bootstrap, long[] counts) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(BrokerTestSupport.producerProps(bootstrap))) {
            List<Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
            for (int p = 0; p < counts.length; p++) {
                for (int i = 0; i < counts[p]; i++) {
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, p, "k" + i, "v" + i)));
                }
            }
            producer.flush();
            for (var ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int describeMembers(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(30, TimeUnit.SECONDS).members().size();
        } catch (Exception e) {
            throw new AssertionError("describeConsumerGroups(" + group + ") failed: " + e, e);
        }
    }

    /** Committed offsets of {@code group}; none when the group does not exist (Kafka answers either way). */
    private static Map<TopicPartition, Long> offsets(Admin admin, String group) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try {
            BrokerTestSupport.committed(admin, group).forEach((tp, om) -> offsets.put(tp, om.offset()));
        } catch (AssertionError e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof GroupIdNotFoundException) {
                    return offsets;
                }
            }
            throw e;
        }
        return offsets;
    }
}
