package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.testsupport.TestSeeds;
import io.fjord.testsupport.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kcat's balanced consumer ({@code -G}, librdkafka's KafkaConsumer) against an in-process broker:
 * it joins the group, consumes what was produced before, commits, and on SIGTERM closes and
 * leaves the group (sooner than its session timeout). Like {@link KcatTest}, it skips loudly
 * without kcat, except under {@code CI=true}, where it fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KcatGroupTest {
    private static final String TOPIC = "kcat-group";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 300;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Well under librdkafka's 45 s session timeout: an empty group this soon means kcat sent LeaveGroup. */
    private static final Duration LEAVE_WAIT = Duration.ofSeconds(15);

    private static String kcat;

    @TempDir
    Path dir;
    @TempDir
    Path work;

    @BeforeAll
    static void findKcat() {
        kcat = BrokerTestSupport.requireKcat("KcatGroupTest");
    }

    @Test
    void balancedConsumerJoinsConsumesCommitsAndLeaves() throws Exception {
        Random random = new Random(TestSeeds.seed("KcatGroupTest"));
        String group = "kcat-group-" + Integer.toHexString(random.nextInt());
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0));
             Admin admin = BrokerTestSupport.admin(broker.bootstrap())) {
            engine.createTopic(TOPIC, PARTITIONS);
            String bootstrap = broker.bootstrap();
            Set<String> expected = new HashSet<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(BrokerTestSupport.producerProps(bootstrap))) {
                List<Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
                for (int i = 0; i < RECORDS; i++) {
                    int partition = random.nextInt(PARTITIONS);
                    String value = "value-" + i + "-" + Long.toHexString(random.nextLong());
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, partition, "key-" + i, value)));
                    expected.add(partition + " key-" + i + " " + value);
                }
                producer.flush();
                for (var ack : acks) {
                    var metadata = ack.get(30, TimeUnit.SECONDS);
                    end.merge(new TopicPartition(TOPIC, metadata.partition()), metadata.offset() + 1, Math::max);
                }
            }

            Path out = work.resolve("kcat.out");
            Path err = work.resolve("kcat.err");
            // -u: unbuffered stdout (block-buffered into a file, the last records would sit in kcat until it exits)
            Process process = new ProcessBuilder(kcat, "-u", "-b", bootstrap, "-G", group,
                    "-X", "auto.offset.reset=earliest", "-X", "auto.commit.interval.ms=500",
                    "-f", "%p %k %s\\n", TOPIC)
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            try {
                Waits.waitUntil(WAIT, () -> lines(out).size() >= RECORDS || !process.isAlive(),
                        () -> "kcat printed " + lines(out).size() + " of " + RECORDS + " records; stderr:\n"
                                + BrokerTestSupport.readText(err));
                assertTrue(process.isAlive(), "kcat exited early with " + (process.isAlive() ? "" : process.exitValue())
                        + "; stderr:\n" + BrokerTestSupport.readText(err));
                List<String> printed = lines(out);
                assertEquals(RECORDS, printed.size(), "records printed by kcat (no duplicates)");
                assertEquals(expected, new HashSet<>(printed), "records printed by kcat");

                // One member owning every partition, as the coordinator describes it.
                Waits.waitUntil(WAIT, () -> {
                    ConsumerGroupDescription d = describe(admin, group);
                    return d.groupState() == GroupState.STABLE && d.members().size() == 1
                            && d.members().iterator().next().assignment().topicPartitions().size() == PARTITIONS;
                }, () -> "group " + group + " stable with kcat owning all partitions: " + describe(admin, group));
                // librdkafka auto-commits what kcat printed.
                Waits.waitUntil(WAIT, () -> end.equals(committedOffsets(admin, group)),
                        () -> "kcat's commits " + committedOffsets(admin, group) + " reach the end " + end);

                long terminated = System.nanoTime();
                process.destroy(); // SIGTERM: kcat closes its consumer, which leaves the group
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "kcat exits within 30 s of SIGTERM; stderr:\n"
                        + BrokerTestSupport.readText(err));
                System.out.println("kcat exited with " + process.exitValue() + " after SIGTERM");
                Waits.waitUntil(LEAVE_WAIT, () -> describe(admin, group).members().isEmpty(),
                        () -> "kcat left the group (LeaveGroup) after SIGTERM: " + describe(admin, group));
                System.out.printf("group empty %.1f s after SIGTERM%n", (System.nanoTime() - terminated) / 1e9);
                assertEquals(GroupState.EMPTY, describe(admin, group).groupState(), "state of the group kcat left");
                assertEquals(end, committedOffsets(admin, group), "committed offsets after kcat left");
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> lines(Path out) {
        String text = BrokerTestSupport.readText(out);
        int complete = text.lastIndexOf('\n');
        return complete < 0 ? List.of() : List.of(text.substring(0, complete).split("\n"));
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("describeConsumerGroups(" + group + ") failed: " + e, e);
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : BrokerTestSupport.committed(admin, group).entrySet()) {
            offsets.put(e.getKey(), e.getValue().offset());
        }
        return offsets;
    }
}
