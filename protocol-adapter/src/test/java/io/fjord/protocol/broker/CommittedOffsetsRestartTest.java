package io.fjord.protocol.broker;

import io.fjord.testsupport.Waits;
import io.fjord.log.LogEngine;
import io.fjord.testsupport.TestSeeds;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Committed offsets outlive the broker: a group member's commits (with and without metadata) are
 * served after a clean restart and after a SIGKILL of a broker JVM, and a consumer of the same
 * group resumes exactly there. Also the "simple" commits of an assign() consumer, which is no
 * group member (generation -1, no member id).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommittedOffsetsRestartTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_PARTITION = 50;
    private static final String TOPIC = "committed";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    @TempDir
    Path logs;

    @Test
    void commitsSurviveACleanRestart() throws Exception {
        Random random = new Random(TestSeeds.seed("CommittedOffsetsRestartTest.cleanRestart"));
        String group = "restart-group";
        Map<TopicPartition, OffsetAndMetadata> commits = randomCommits(random);
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            engine.createTopic(TOPIC, PARTITIONS);
            produce(broker.bootstrap());
            commitAsMember(broker.bootstrap(), group, commits);
            try (Admin admin = BrokerTestSupport.admin(broker.bootstrap())) {
                assertEquals(commits, BrokerTestSupport.committed(admin, group), "committed offsets before the restart");
            }
        }
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            try (Admin admin = BrokerTestSupport.admin(broker.bootstrap())) {
                assertEquals(commits, BrokerTestSupport.committed(admin, group),
                        "listConsumerGroupOffsets after a clean restart (offsets and metadata)");
            }
            resumesAtCommits(broker.bootstrap(), group, commits);
        }
    }

    @Test
    void acknowledgedCommitsSurviveSigkillOfTheBrokerJvm() throws Exception {
        Random random = new Random(TestSeeds.seed("CommittedOffsetsRestartTest.sigkill"));
        String group = "crash-group";
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic(TOPIC, PARTITIONS);
        }
        Map<TopicPartition, OffsetAndMetadata> commits = randomCommits(random);
        Path out = logs.resolve("broker.out");
        Path err = logs.resolve("broker.err");
        Process child = BrokerTestSupport.startJvm(System.getProperty("java.class.path"), out, err,
                ChildBroker.class.getName(), dir.toString());
        try {
            String bootstrap = BrokerTestSupport.awaitLine(child, out, err, "BOOTSTRAP ", WAIT);
            produce(bootstrap);
            // Several rounds: the last acknowledged commit of each partition is what must survive.
            Map<TopicPartition, OffsetAndMetadata> earlier = randomCommits(random);
            commitAsMember(bootstrap, group, earlier, commits);
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child broker exits after SIGKILL");
        } finally {
            BrokerTestSupport.killAndReap(child);
        }
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            try (Admin admin = BrokerTestSupport.admin(broker.bootstrap())) {
                assertEquals(commits, BrokerTestSupport.committed(admin, group),
                        "listConsumerGroupOffsets after SIGKILL of the broker (offsets and metadata)");
            }
            resumesAtCommits(broker.bootstrap(), group, commits);
        }
    }

    @Test
    void simpleCommitsOfAnAssignConsumerAreStoredAndFetched() throws Exception {
        Random random = new Random(TestSeeds.seed("CommittedOffsetsRestartTest.simple"));
        String group = "simple-group";
        Map<TopicPartition, OffsetAndMetadata> commits = randomCommits(random);
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            engine.createTopic(TOPIC, PARTITIONS);
            produce(broker.bootstrap());
            Properties props = BrokerTestSupport.consumerProps(broker.bootstrap());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.assign(commits.keySet()); // no subscribe: never joins the group
                consumer.commitSync(commits, Duration.ofSeconds(30));
                assertEquals(commits, consumer.committed(commits.keySet(), Duration.ofSeconds(30)),
                        "committed() right after an assign() consumer's commit");
            }
            try (KafkaConsumer<String, String> other = new KafkaConsumer<>(props)) {
                assertEquals(commits, other.committed(commits.keySet(), Duration.ofSeconds(30)),
                        "committed() from another consumer of the group");
            }
            try (Admin admin = BrokerTestSupport.admin(broker.bootstrap())) {
                assertEquals(commits, BrokerTestSupport.committed(admin, group), "listConsumerGroupOffsets");
                assertTrue(admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                                .anyMatch(listing -> listing.groupId().equals(group)),
                        "a group with only simple commits is listed");
            }
        }
        // And after a restart, an assign() consumer positions itself from the commits.
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            Properties props = BrokerTestSupport.consumerProps(broker.bootstrap());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.assign(commits.keySet());
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : commits.entrySet()) {
                    assertEquals(e.getValue().offset(), consumer.position(e.getKey(), Duration.ofSeconds(30)),
                            "position of an assign() consumer from the committed offset of " + e.getKey());
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A commit for every partition: an offset in [0, end] (both ends included now and then) and
     * metadata that is absent, empty, ASCII or not.
     */
    private static Map<TopicPartition, OffsetAndMetadata> randomCommits(Random random) {
        String[] metadata = {"", "checkpoint-" + random.nextInt(1000), "fjord ✓ 日本", "x".repeat(200)};
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            long offset = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> RECORDS_PER_PARTITION;
                default -> 1 + random.nextInt(RECORDS_PER_PARTITION - 1);
            };
            // p0 always carries metadata; OffsetAndMetadata(offset) stores "" as Kafka does.
            String meta = p == 0 ? metadata[1 + random.nextInt(metadata.length - 1)]
                    : metadata[random.nextInt(metadata.length)];
            commits.put(new TopicPartition(TOPIC, p), meta.isEmpty() ? new OffsetAndMetadata(offset)
                    : new OffsetAndMetadata(offset, meta));
        }
        System.out.println("commits: " + commits);
        return commits;
    }

    /** {@link #RECORDS_PER_PARTITION} records to each partition, values "p-offset". */
    private static void produce(String bootstrap) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(BrokerTestSupport.producerProps(bootstrap))) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, p, "k" + i, p + "-" + i)));
                }
            }
            producer.flush();
            for (var ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Joins {@code group} as its only member, waits for the assignment, commits each map in turn
     * (commitSync: acknowledged when it returns), then leaves.
     */
    @SafeVarargs
    private static void commitAsMember(String bootstrap, String group, Map<TopicPartition, OffsetAndMetadata>... rounds)
            throws Exception {
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(BrokerTestSupport.groupConsumerProps(bootstrap, group))) {
            consumer.subscribe(List.of(TOPIC));
            // Records are not processed: the commits say where to resume.
            Waits.repeatUntil(WAIT, () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() >= PARTITIONS;
            }, () -> "a full assignment; have " + consumer.assignment());
            // The assignment starts an OffsetFetch to position the consumer; a later committed() for
            // the same partitions and generation reuses that pending request (ConsumerCoordinator's
            // pendingCommittedOffsetRequest) and would answer what was committed before our commits.
            // position() waits for it, so committed() below asks the broker afresh.
            for (TopicPartition tp : consumer.assignment()) {
                consumer.position(tp, Duration.ofSeconds(30));
            }
            for (Map<TopicPartition, OffsetAndMetadata> round : rounds) {
                consumer.commitSync(round, Duration.ofSeconds(30));
            }
            Map<TopicPartition, OffsetAndMetadata> last = rounds[rounds.length - 1];
            assertEquals(last, consumer.committed(last.keySet(), Duration.ofSeconds(30)), "committed() of the member");
        }
    }

    /**
     * A new member of {@code group} reads every partition from exactly its committed offset to the
     * end: the first record it gets is the committed one, none before, none missing after.
     */
    private static void resumesAtCommits(String bootstrap, String group, Map<TopicPartition, OffsetAndMetadata> commits)
            throws Exception {
        Map<Integer, TreeMap<Long, String>> got = new HashMap<>();
        long expected = 0;
        for (OffsetAndMetadata om : commits.values()) {
            expected += RECORDS_PER_PARTITION - om.offset();
        }
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(BrokerTestSupport.groupConsumerProps(bootstrap, group))) {
            consumer.subscribe(List.of(TOPIC));
            Waits.Deadline deadline = Waits.deadline(WAIT);
            int count = 0;
            while (count < expected || consumer.assignment().size() < PARTITIONS) {
                if (deadline.passed()) {
                    fail("resumed consumer got " + count + " of " + expected + " records in " + WAIT + ": "
                            + got.keySet());
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    String previous = got.computeIfAbsent(r.partition(), p -> new TreeMap<>()).put(r.offset(), r.value());
                    assertEquals(null, previous, "offset " + r.offset() + " of partition " + r.partition() + " twice");
                    count++;
                }
            }
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : commits.entrySet()) {
                TopicPartition tp = e.getKey();
                assertEquals(RECORDS_PER_PARTITION, consumer.position(tp, Duration.ofSeconds(30)), "position of " + tp);
            }
        }
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : commits.entrySet()) {
            int p = e.getKey().partition();
            long from = e.getValue().offset();
            Map<Long, String> records = got.getOrDefault(p, new TreeMap<>());
            Set<Long> offsets = new HashSet<>(records.keySet());
            Set<Long> want = new HashSet<>();
            for (long o = from; o < RECORDS_PER_PARTITION; o++) {
                want.add(o);
                assertEquals(p + "-" + o, records.get(o), "record at " + p + "@" + o);
            }
            assertEquals(want, offsets, "offsets read from partition " + p + " after committed offset " + from);
        }
    }
}
