package io.fjord.log;

import java.time.Duration;
import io.fjord.testsupport.Waits;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.io.OffsetCheckpointFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When segment data is fsynced: {@code durability=sync} acknowledges only after an fsync but shares
 * one among concurrent appends (group commit); {@code durability=none} never fsyncs on the append
 * path; {@code flush.messages} and {@code flush.ms} fsync on count and on time.
 */
@Timeout(120)
class GroupCommitTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    /** Counts {@code force()} on every segment file the engine opens; counts down a latch per call. */
    private static final class CountingFileIo implements FileIo {
        final AtomicInteger forces = new AtomicInteger();
        volatile CountDownLatch forced = new CountDownLatch(1);

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            return new FullDiskTest.DelegatingChannel(FileChannel.open(path, options)) {
                @Override
                public void force(boolean metaData) throws IOException {
                    delegate.force(metaData);
                    forces.incrementAndGet();
                    forced.countDown();
                }
            };
        }
    }

    /**
     * A clock the test moves by hand. Counts the scheduler's reads, so the test can wait for timed
     * flush checks to have run instead of sleeping.
     */
    private static final class ManualClock implements MillisClock {
        final AtomicLong nowMs = new AtomicLong(1_000_000);
        final AtomicInteger schedulerReads = new AtomicInteger();

        @Override
        public long nowMs() {
            if (Thread.currentThread().getName().equals("fjord-scheduler")) {
                schedulerReads.incrementAndGet();
            }
            return nowMs.get();
        }
    }

    private LogEngine open(CountingFileIo io, MillisClock clock) {
        return LogEngine.open(EngineConfig.builder(dir).fileIo(io).clock(clock).flushCheckIntervalMs(10).build());
    }

    @Test
    void syncAppendsFromManyThreadsShareFsyncs() throws Exception {
        int threads = 8;
        int perThread = 500;
        int appends = threads * perThread;
        CountingFileIo io = new CountingFileIo();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LogEngine engine = open(io, MillisClock.SYSTEM)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("durability", "sync")));
            Partition p = engine.partition("t", 0);
            int forcesBefore = io.forces.get();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    long[] offsets = new long[perThread];
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        offsets[i] = p.append(bytes("t" + thread), bytes(thread + "-" + i), i);
                    }
                    return offsets;
                }));
            }
            go.countDown();
            Map<Long, String> valueByOffset = new java.util.HashMap<>();
            for (int t = 0; t < threads; t++) {
                long[] offsets = results.get(t).get(60, TimeUnit.SECONDS);
                for (int i = 0; i < perThread; i++) {
                    String previous = valueByOffset.put(offsets[i], t + "-" + i);
                    assertEquals(null, previous, "offset " + offsets[i] + " acknowledged twice");
                    assertTrue(i == 0 || offsets[i] > offsets[i - 1], "a thread's appends are ordered");
                }
            }
            int forces = io.forces.get() - forcesBefore;
            System.out.println("durability=sync: " + appends + " acknowledged appends, " + forces + " fsyncs");

            assertEquals(appends, valueByOffset.size());
            assertEquals(appends, p.latestOffset());
            assertTrue(p.log().recoveryPoint() >= appends, "every acknowledged record is below the recovery point");
            List<TestRecords.Read> all = TestRecords.readAll(p, 0);
            assertEquals(appends, all.size());
            for (TestRecords.Read read : all) {
                assertEquals(valueByOffset.get(read.offset()), read.value(), "offset " + read.offset());
            }
            assertTrue(forces >= 1, "sync appends must fsync");
            assertTrue(forces < appends, "group commit: " + forces + " fsyncs for " + appends + " appends");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    /**
     * The writer's per-cycle bookkeeping of logs awaiting an fsync: one writer serves several sync
     * partitions, a cycle touches several of them, and a partition comes back in later cycles. An
     * acknowledged append must be below its own partition's recovery point when it returns; a log
     * left marked from an earlier cycle would never be fsynced again (and its appends never
     * acknowledged), and one left out of a cycle would be acknowledged unsynced.
     */
    @Test
    void everyAcknowledgedSyncAppendIsBelowItsOwnPartitionsRecoveryPoint() throws Exception {
        int partitions = 4;
        int threads = 4;
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).writerThreads(1).build())) {
            engine.createTopic("t", partitions, TopicConfig.of(Map.of("durability", "sync")));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        Partition p = engine.partition("t", (thread + i) % partitions);
                        long offset = p.append(null, bytes(thread + "-" + i), i);
                        long recoveryPoint = p.log().recoveryPoint();
                        assertTrue(recoveryPoint > offset, p + ": offset " + offset
                                + " acknowledged with the recovery point at " + recoveryPoint);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
            long total = 0;
            for (int p = 0; p < partitions; p++) {
                total += engine.partition("t", p).latestOffset();
            }
            assertEquals(threads * perThread, total);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void durabilityNoneNeverFsyncsOnAppend() throws Exception {
        CountingFileIo io = new CountingFileIo();
        int threads = 4;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LogEngine engine = open(io, MillisClock.SYSTEM)) {
            engine.createTopic("t", 2);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Partition p = engine.partition("t", t % 2);
                results.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        p.append(null, bytes("v" + i), i);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
            assertEquals(threads * perThread,
                    engine.partition("t", 0).latestOffset() + engine.partition("t", 1).latestOffset());
            System.out.println("durability=none: " + threads * perThread + " appends, " + io.forces.get() + " fsyncs");
            assertEquals(0, io.forces.get(), "no fsync on the append path");
            assertEquals(0, engine.partition("t", 0).log().recoveryPoint());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertTrue(io.forces.get() > 0, "close flushes");
    }

    @Test
    void flushMessagesFsyncsEveryNMessages() {
        CountingFileIo io = new CountingFileIo();
        int appends = 1_000;
        try (LogEngine engine = open(io, MillisClock.SYSTEM)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("flush.messages", "10")));
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < appends; i++) {
                assertEquals(i, p.append(null, bytes("v" + i), i));
            }
            int forces = io.forces.get();
            System.out.println("flush.messages=10: " + appends + " appends, " + forces + " fsyncs");
            assertTrue(forces >= appends / 10 - 5 && forces <= appends / 10 + 5,
                    "expected about one fsync per 10 messages, got " + forces);
            assertTrue(p.log().recoveryPoint() >= appends - 10, "recovery point " + p.log().recoveryPoint());
        }
    }

    @Test
    void flushMsFsyncsOnTheClockAndAdvancesTheRecoveryPoint() throws IOException {
        CountingFileIo io = new CountingFileIo();
        ManualClock clock = new ManualClock();
        OffsetCheckpointFile recoveryPoints = new OffsetCheckpointFile(dir.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT));
        try (LogEngine engine = open(io, clock)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("flush.ms", "1000")));
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < 5; i++) {
                p.append(null, bytes("v" + i), i);
            }

            // Let the scheduler run several flush checks at 999 ms past the last flush: none is due.
            clock.nowMs.addAndGet(999);
            awaitSchedulerReads(clock, 5);
            assertEquals(0, io.forces.get(), "no fsync before flush.ms has passed");
            engine.checkpoint();
            assertEquals(0L, recoveryPoints.read().get(TP), "recovery point before flush.ms");

            clock.nowMs.addAndGet(1);
            awaitTrue(() -> io.forces.get() > 0, "a timed flush");
            awaitTrue(() -> {
                engine.checkpoint();
                return recoveryPoints.read().get(TP) == 5L;
            }, "the checkpointed recovery point to reach 5");
            int forcesAfterFirstFlush = io.forces.get();

            // New data waits for flush.ms to pass since the last flush (Kafka's rule), then goes.
            p.append(null, bytes("v5"), 5);
            p.append(null, bytes("v6"), 6);
            awaitSchedulerReads(clock, 5);
            engine.checkpoint();
            assertEquals(5L, recoveryPoints.read().get(TP), "flush.ms has not passed since the last flush");
            assertEquals(forcesAfterFirstFlush, io.forces.get());
            clock.nowMs.addAndGet(1_000);
            awaitTrue(() -> {
                engine.checkpoint();
                return recoveryPoints.read().get(TP) == 7L;
            }, "the checkpointed recovery point to reach 7");
            int forcesAfterSecondFlush = io.forces.get();

            // Nothing new: due checks do not fsync again.
            clock.nowMs.addAndGet(5_000);
            awaitSchedulerReads(clock, 5);
            assertEquals(forcesAfterSecondFlush, io.forces.get(), "no fsync without new data");
            System.out.println("flush.ms=1000: " + io.forces.get() + " fsyncs for 2 timed flushes");
        }
    }

    private static void awaitSchedulerReads(ManualClock clock, int reads) {
        int target = clock.schedulerReads.get() + reads;
        awaitTrue(() -> clock.schedulerReads.get() >= target, reads + " scheduler flush checks");
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} until it holds; fails after 10 s. */
    private static void awaitTrue(Condition condition, String what) {
        try {
            Waits.repeatUntil(Duration.ofSeconds(60), () -> {
                if (condition.holds()) {
                    return true;
                }
                LockSupport.parkNanos(1_000_000);
                return false;
            }, () -> "waiting for " + what);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("waiting for " + what + " failed", e);
        }
    }
}
