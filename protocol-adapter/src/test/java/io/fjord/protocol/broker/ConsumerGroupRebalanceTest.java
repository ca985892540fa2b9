package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.testsupport.TestSeeds;
import io.fjord.testsupport.Waits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A consumer group under membership changes, with a producer running throughout: three members
 * split six partitions; one leaves cleanly (LeaveGroup) and the two others take its partitions; a
 * member in a child JVM joins, is SIGKILLed (no LeaveGroup), and after the session timeout its
 * partitions move to the survivors. With commitSync after processing, every offset of every
 * partition is processed by someone at least once (the child's printed lines count too). Runs for
 * the eager RangeAssignor and the incremental CooperativeStickyAssignor.
 *
 * <p>The coordinator may hold the first join of an empty group for group.initial.rebalance.delay
 * (3 s in Kafka), so every step waits up to {@link #STEP}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ConsumerGroupRebalanceTest {
    private static final int PARTITIONS = 6;
    private static final String TOPIC = "rebalance";
    /** Upper bound on records produced; the producer normally stops long before. */
    private static final int MAX_RECORDS = 30_000;
    /** Producer pacing: a burst of this many records, then {@link #PAUSE_NANOS}; about 500 records/s. */
    private static final int BURST = 10;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration STEP = Duration.ofSeconds(60);
    /** Records the child processes and commits before it is killed (it gets about 160 a second). */
    private static final int CHILD_RECORDS = 150;

    @TempDir
    Path dir;
    @TempDir
    Path logs;

    /** partition -> offsets processed by an in-process member. */
    private final Map<Integer, Set<Long>> seen = new ConcurrentHashMap<>();
    private final AtomicInteger deliveries = new AtomicInteger();
    /** partition -> offsets processed by an in-process member after the child was killed. */
    private final Map<Integer, Set<Long>> seenAfterKill = new ConcurrentHashMap<>();
    private volatile boolean childKilled;

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void membersLeaveAndDieWithoutSkippingARecord(Class<?> assignor) throws Exception {
        long seed = TestSeeds.seed("ConsumerGroupRebalanceTest[" + assignor.getSimpleName() + "]");
        Random random = new Random(seed);
        String group = "rebalance-" + assignor.getSimpleName();
        for (int p = 0; p < PARTITIONS; p++) {
            seen.put(p, ConcurrentHashMap.newKeySet());
            seenAfterKill.put(p, ConcurrentHashMap.newKeySet());
        }
        Path childOut = logs.resolve("child.out");
        Path childErr = logs.resolve("child.err");
        long start = System.nanoTime();
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0));
             Admin admin = BrokerTestSupport.admin(broker.bootstrap())) {
            engine.createTopic(TOPIC, PARTITIONS);
            String bootstrap = broker.bootstrap();
            Process child = null;
            List<Member> members = new ArrayList<>();
            Producing producer = null;
            try {
                producer = new Producing(bootstrap, random.nextLong());
                for (String name : List.of("a", "b", "c")) {
                    members.add(new Member(name, bootstrap, group, assignor));
                }
                awaitBalanced("three members", members, null, 2, start);

                // A clean leave: its partitions go to the two others.
                Member leaving = members.remove(random.nextInt(members.size()));
                System.out.println(elapsed(start) + " closing member " + leaving.name);
                leaving.close();
                awaitBalanced("after " + leaving.name + " left", members, null, 3, start);

                // A member in another JVM joins, processes and commits, and is SIGKILLed.
                Process childProcess = BrokerTestSupport.startJvm(System.getProperty("java.class.path"), childOut,
                        childErr, ChildConsumer.class.getName(), bootstrap, group, TOPIC, assignor.getName());
                child = childProcess;
                awaitBalanced("after the child joined", members,
                        () -> childAssignment(childProcess, childOut, childErr), 2, start);
                Waits.waitUntil(STEP, () -> size(childConsumed(childOut, true)) >= CHILD_RECORDS,
                        () -> "the child processes and commits " + CHILD_RECORDS + " records; it has "
                                + size(childConsumed(childOut, true)) + "; stderr:\n"
                                + BrokerTestSupport.readText(childErr));
                Set<Integer> childOwned = childAssignment(child, childOut, childErr);
                System.out.println(elapsed(start) + " SIGKILL child consumer owning " + childOwned);
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child consumer exits after SIGKILL");
                childKilled = true;
                awaitBalanced("after the child died (session timeout)", members, null, 3, start);
                assertFalse(producer.finished(), "the producer had stopped before the last rebalance completed;"
                        + " raise MAX_RECORDS");

                // Stop producing: every send is acknowledged or failed once close returns.
                producer.close();
                assertEquals(0, producer.failed.get(), "failed sends; first: " + producer.firstFailure.get());
                Map<TopicPartition, Long> end = endOffsets(admin);
                long total = 0;
                for (int p = 0; p < PARTITIONS; p++) {
                    long e = end.get(new TopicPartition(TOPIC, p));
                    assertEquals(producer.maxAcked.get(p) + 1, e, "log end of partition " + p
                            + " vs its highest acknowledged offset");
                    total += e;
                }
                assertEquals(producer.acked.get(), total, "acknowledged records vs log end offsets");
                System.out.println(elapsed(start) + " produced " + total + " records: " + end);

                // The child's lines: only whole lines (the kill may cut the last one).
                Map<Integer, Set<Long>> childSeen = childConsumed(childOut, false);
                Map<Integer, Set<Long>> childCommitted = childConsumed(childOut, true);
                System.out.println("child processed " + size(childSeen) + " distinct records of partitions "
                        + childSeen.keySet() + ", " + size(childCommitted) + " of them committed");

                // The survivors drain to the end and commit it.
                Waits.waitUntil(STEP, () -> missing(end, childSeen).isEmpty()
                                && end.equals(committedOffsets(admin, group)),
                        () -> "survivors drain and commit; missing " + summary(missing(end, childSeen))
                                + "; committed " + committedOffsets(admin, group) + " vs end " + end);
                for (Member member : members) {
                    member.close();
                }
                System.out.println(elapsed(start) + " done; " + deliveries.get() + " in-process deliveries of "
                        + total + " records");
                assertEquals(Map.of(), missing(end, childSeen), "offsets nobody processed");
                // The survivors resumed where the dead member had committed, not before.
                Map<Integer, Set<Long>> again = new HashMap<>();
                childCommitted.forEach((p, offsets) -> {
                    Set<Long> both = new TreeSet<>(offsets);
                    both.retainAll(seenAfterKill.get(p));
                    if (!both.isEmpty()) {
                        again.put(p, both);
                    }
                });
                assertEquals(Map.of(), again, "offsets the killed member had processed and committed, processed"
                        + " again by the survivors: they did not resume from its committed offsets");
            } finally {
                BrokerTestSupport.killAndReap(child);
                for (Member member : members) {
                    member.closeQuietly();
                }
                if (producer != null) {
                    producer.closeQuietly();
                }
            }
        }
    }

    // ---------------------------------------------------------------- waiting for assignments

    private interface ChildAssignment {
        Set<Integer> get() throws Exception;
    }

    /**
     * Waits until every member (and the child, if given) owns exactly {@code each} partitions and
     * together they own all of them, each once; fails with the assignments and any member failure.
     */
    private static void awaitBalanced(String what, List<Member> members, ChildAssignment child, int each, long start)
            throws Exception {
        Waits.Deadline deadline = Waits.deadline(STEP);
        while (true) {
            Map<String, Set<Integer>> owners = new LinkedHashMap<>();
            for (Member m : members) {
                if (m.failure.get() != null) {
                    throw new AssertionError("member " + m.name + " failed", m.failure.get());
                }
                owners.put(m.name, m.assignment);
            }
            if (child != null) {
                owners.put("child", child.get());
            }
            if (balanced(owners, each)) {
                System.out.println(elapsed(start) + " balanced " + what + ": " + owners);
                return;
            }
            deadline.failIfPassed(() -> "no balanced assignment " + what + " (" + each + " partitions each): "
                    + owners);
            Thread.sleep(20);
        }
    }

    private static boolean balanced(Map<String, Set<Integer>> owners, int each) {
        Set<Integer> union = new HashSet<>();
        for (Set<Integer> owned : owners.values()) {
            if (owned.size() != each) {
                return false;
            }
            for (int p : owned) {
                if (!union.add(p)) {
                    return false;
                }
            }
        }
        return union.size() == PARTITIONS;
    }

    /** The child's last printed assignment; fails if the child died. */
    private static Set<Integer> childAssignment(Process child, Path out, Path err) {
        if (!child.isAlive()) {
            fail("child consumer exited with " + child.exitValue() + "; stderr:\n" + BrokerTestSupport.readText(err));
        }
        String text = BrokerTestSupport.readText(out);
        Set<Integer> last = Set.of();
        int lineEnd;
        int from = 0;
        while ((lineEnd = text.indexOf('\n', from)) >= 0) {
            String line = text.substring(from, lineEnd);
            from = lineEnd + 1;
            if (line.equals("ASSIGNED") || line.startsWith("ASSIGNED ")) {
                Set<Integer> parsed = new TreeSet<>();
                for (String p : line.substring("ASSIGNED".length()).trim().split(" ")) {
                    if (!p.isEmpty()) {
                        parsed.add(Integer.parseInt(p));
                    }
                }
                last = parsed;
            }
        }
        return last;
    }

    /**
     * partition -> offsets from the child's whole {@code CONSUMED p o} lines (the kill may cut the
     * last line); with {@code committedOnly}, only those followed by a {@code COMMITTED} line.
     */
    private static Map<Integer, Set<Long>> childConsumed(Path out, boolean committedOnly) {
        String text = BrokerTestSupport.readText(out);
        Map<Integer, Set<Long>> result = new HashMap<>();
        List<long[]> pending = new ArrayList<>();
        int complete = text.lastIndexOf('\n');
        if (complete < 0) {
            return result;
        }
        for (String line : text.substring(0, complete).split("\n")) {
            if (line.startsWith("CONSUMED ")) {
                String[] parts = line.split(" ");
                pending.add(new long[]{Integer.parseInt(parts[1]), Long.parseLong(parts[2])});
            } else if (line.startsWith("COMMIT")) { // COMMITTED, or COMMIT-FAILED: those were processed
                if (line.equals("COMMITTED") || !committedOnly) {
                    for (long[] r : pending) {
                        result.computeIfAbsent((int) r[0], p -> new HashSet<>()).add(r[1]);
                    }
                }
                pending.clear();
            }
        }
        if (!committedOnly) {
            for (long[] r : pending) {
                result.computeIfAbsent((int) r[0], p -> new HashSet<>()).add(r[1]);
            }
        }
        return result;
    }

    private static int size(Map<Integer, Set<Long>> offsets) {
        return offsets.values().stream().mapToInt(Set::size).sum();
    }

    // ---------------------------------------------------------------- checks

    /** partition -> offsets below the end that neither the in-process members nor the child processed. */
    private Map<Integer, List<Long>> missing(Map<TopicPartition, Long> end, Map<Integer, Set<Long>> childSeen) {
        Map<Integer, List<Long>> missing = new LinkedHashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            Set<Long> here = seen.get(p);
            Set<Long> there = childSeen.getOrDefault(p, Set.of());
            long e = end.get(new TopicPartition(TOPIC, p));
            for (long o = 0; o < e; o++) {
                if (!here.contains(o) && !there.contains(o)) {
                    missing.computeIfAbsent(p, x -> new ArrayList<>()).add(o);
                }
            }
        }
        return missing;
    }

    private static String summary(Map<Integer, List<Long>> missing) {
        return missing.entrySet().stream().map(e -> "p" + e.getKey() + ": " + e.getValue().size() + " from "
                + e.getValue().get(0)).collect(Collectors.joining(", ", "{", "}"));
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos =
                admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> end = new HashMap<>();
        infos.forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    private static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : BrokerTestSupport.committed(admin, group).entrySet()) {
            offsets.put(e.getKey(), e.getValue().offset());
        }
        return offsets;
    }

    private static String elapsed(long start) {
        return String.format("[%5.1f s]", (System.nanoTime() - start) / 1e9);
    }

    private static Set<Integer> partitions(Collection<TopicPartition> tps) {
        return tps.stream().map(TopicPartition::partition).collect(Collectors.toUnmodifiableSet());
    }

    // ---------------------------------------------------------------- clients on their own threads

    /** The producer: bursts of records to random partitions until closed or {@link #MAX_RECORDS}. */
    private static final class Producing {
        final AtomicInteger acked = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        final AtomicLongArray maxAcked = new AtomicLongArray(PARTITIONS);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicBoolean finished = new AtomicBoolean();
        private final AtomicReference<Throwable> crash = new AtomicReference<>();
        private final Thread thread;

        Producing(String bootstrap, long seed) {
            for (int p = 0; p < PARTITIONS; p++) {
                maxAcked.set(p, -1);
            }
            Random random = new Random(seed);
            thread = new Thread(() -> {
                try (KafkaProducer<String, String> producer =
                             new KafkaProducer<>(BrokerTestSupport.producerProps(bootstrap))) {
                    for (int i = 0; i < MAX_RECORDS && !stop.get(); i++) {
                        int seq = i;
                        producer.send(new ProducerRecord<>(TOPIC, random.nextInt(PARTITIONS), "k" + seq, "v" + seq),
                                (metadata, exception) -> {
                                    if (exception == null) {
                                        acked.incrementAndGet();
                                        maxAcked.accumulateAndGet(metadata.partition(), metadata.offset(), Math::max);
                                    } else {
                                        failed.incrementAndGet();
                                        firstFailure.compareAndSet(null, exception);
                                    }
                                });
                        if (i % BURST == BURST - 1) {
                            LockSupport.parkNanos(PAUSE_NANOS); // pacing, not waiting for a condition
                        }
                    }
                    producer.flush();
                } catch (Throwable t) {
                    crash.set(t);
                } finally {
                    finished.set(true);
                }
            }, "test-producer");
            thread.start();
        }

        boolean finished() {
            return finished.get();
        }

        void closeQuietly() {
            stop.set(true);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(60));
            if (thread.isAlive()) {
                fail("producer thread did not stop in 60 s");
            }
            if (crash.get() != null) {
                throw new AssertionError("producer thread failed", crash.get());
            }
        }
    }

    /** One in-process member: poll, record what it processed, commitSync; closes (LeaveGroup) on close(). */
    private final class Member {
        final String name;
        volatile Set<Integer> assignment = Set.of();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private boolean closed;

        Member(String name, String bootstrap, String group, Class<?> assignor) {
            this.name = name;
            Properties props = BrokerTestSupport.groupConsumerProps(bootstrap, group);
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "member-" + name);
            thread = new Thread(() -> run(props), "member-" + name);
            thread.start();
        }

        private void run(Properties props) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        Set<Integer> now = new HashSet<>(partitions(consumer.assignment()));
                        now.removeAll(partitions(partitions));
                        assignment = Set.copyOf(now);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assignment = partitions(consumer.assignment());
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        onPartitionsRevoked(partitions);
                    }
                });
                while (!stop.get()) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                    assignment = partitions(consumer.assignment());
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, String> r : records) {
                        seen.get(r.partition()).add(r.offset());
                        if (childKilled) {
                            seenAfterKill.get(r.partition()).add(r.offset());
                        }
                        deliveries.incrementAndGet();
                    }
                    try {
                        consumer.commitSync();
                    } catch (CommitFailedException | RebalanceInProgressException e) {
                        // Lost the partitions mid-batch: the next owner re-reads from the last commit.
                        System.out.println("member " + name + ": commit failed (" + e.getClass().getSimpleName() + ")");
                    }
                }
                assignment = Set.of();
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        void closeQuietly() {
            stop.set(true);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void close() throws InterruptedException {
            if (closed) {
                return;
            }
            closed = true;
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(60));
            if (thread.isAlive()) {
                fail("member " + name + " did not close in 60 s");
            }
            if (failure.get() != null) {
                throw new AssertionError("member " + name + " failed", failure.get());
            }
        }
    }
}
