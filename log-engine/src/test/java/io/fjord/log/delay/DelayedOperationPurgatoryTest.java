package io.fjord.log.delay;

import io.fjord.testsupport.TestSeeds;
import io.fjord.testsupport.Waits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The purgatory with toy operations: one keyed by partition number, completing when an offset
 * is reached (the shape of a delayed produce waiting for the high watermark), one keyed by group
 * name, completing when every member joined (the shape of a delayed JoinGroup). Single-threaded
 * tests drive {@link DelayedOperationPurgatory#doWork} on a fake clock.
 */
class DelayedOperationPurgatoryTest {
    private final AtomicLong fakeNanos = new AtomicLong(1_000_000_000L);

    private DelayedOperationPurgatory<Integer> purgatory(int max) {
        return new DelayedOperationPurgatory<>("test", max, fakeNanos::get, 1, 8);
    }

    private void advanceMs(long ms) {
        fakeNanos.addAndGet(ms * 1_000_000L);
    }

    /** Waits until a partition's end offset reaches {@code targetOffset} (delayed produce's shape). */
    static final class OffsetWait extends DelayedOperation {
        final AtomicLong endOffset;
        final long targetOffset;
        final AtomicInteger completions = new AtomicInteger();
        final AtomicReference<CompletionCause> cause = new AtomicReference<>();

        OffsetWait(AtomicLong endOffset, long targetOffset, long delayMs) {
            super(delayMs);
            this.endOffset = endOffset;
            this.targetOffset = targetOffset;
        }

        @Override
        public boolean tryComplete() {
            return endOffset.get() >= targetOffset && forceComplete();
        }

        @Override
        protected void onComplete(CompletionCause completionCause) {
            cause.set(completionCause);
            completions.incrementAndGet();
        }
    }

    /** A group's join: complete when every expected member joined, checked under the group's lock. */
    static final class Group {
        final String name;
        final int expectedMembers;
        final Set<String> joined = new HashSet<>();

        Group(String name, int expectedMembers) {
            this.name = name;
            this.expectedMembers = expectedMembers;
        }
    }

    static final class ToyJoin extends DelayedOperation {
        final Group group;
        final List<String> answer = new ArrayList<>();
        CompletionCause cause;

        ToyJoin(Group group, long rebalanceTimeoutMs) {
            super(rebalanceTimeoutMs);
            this.group = group;
        }

        @Override
        public boolean tryComplete() {
            synchronized (group) {
                return group.joined.size() >= group.expectedMembers && forceComplete();
            }
        }

        @Override
        protected void onComplete(CompletionCause completionCause) {
            synchronized (group) {
                cause = completionCause;
                answer.addAll(group.joined); // on expiry: the members that made it
            }
        }
    }

    @Test
    void aKeyChangeCompletesTheWatcherAndReleasesEverything() {
        DelayedOperationPurgatory<Integer> purgatory = purgatory(10);
        AtomicLong end = new AtomicLong();
        OffsetWait wait = new OffsetWait(end, 5, 30_000);
        assertEquals(WatchOutcome.WATCHING, purgatory.tryCompleteElseWatch(wait, List.of(0, 1)));
        assertEquals(1, purgatory.waitingCount());
        assertEquals(2, purgatory.watchedKeyCount());
        assertEquals(1, purgatory.timerEntryCount());

        end.set(3);
        purgatory.keyChanged(0);
        purgatory.doWork(purgatory.nowMs());
        assertEquals(0, wait.completions.get(), "offset 3 is not 5 yet");
        end.set(5);
        purgatory.keyChanged(7); // nobody watches 7: nothing happens
        purgatory.doWork(purgatory.nowMs());
        assertEquals(0, wait.completions.get());
        purgatory.keyChanged(1);
        purgatory.keyChanged(1); // coalesced with the one before
        assertEquals(1, purgatory.doWork(purgatory.nowMs()), "one key checked");

        assertEquals(1, wait.completions.get());
        assertEquals(CompletionCause.SATISFIED, wait.cause.get());
        assertEquals(0, purgatory.waitingCount());
        assertEquals(0, purgatory.watchedKeyCount(), "watcher entries are gone on completion");
        assertEquals(0, purgatory.timerEntryCount(), "the timer entry is cancelled on completion");
        purgatory.close();
    }

    @Test
    void anOperationAlreadySatisfiedIsNeverWatched() {
        DelayedOperationPurgatory<Integer> purgatory = purgatory(10);
        OffsetWait wait = new OffsetWait(new AtomicLong(9), 5, 30_000);
        assertEquals(WatchOutcome.COMPLETED, purgatory.tryCompleteElseWatch(wait, List.of(0)));
        assertEquals(1, wait.completions.get());
        assertEquals(0, purgatory.watchedKeyCount());
        assertEquals(0, purgatory.timerEntryCount());
        assertEquals(0, purgatory.waitingCount());
        purgatory.close();
    }

    @Test
    void theDelayExpiresTheOperationOnTheFakeClock() {
        DelayedOperationPurgatory<Integer> purgatory = purgatory(10);
        OffsetWait wait = new OffsetWait(new AtomicLong(), 5, 250);
        purgatory.tryCompleteElseWatch(wait, List.of(0));
        advanceMs(249);
        purgatory.doWork(purgatory.nowMs());
        assertEquals(0, wait.completions.get(), "not before its delay");
        advanceMs(1);
        purgatory.doWork(purgatory.nowMs());
        assertEquals(1, wait.completions.get());
        assertEquals(CompletionCause.EXPIRED, wait.cause.get());
        assertEquals(0, purgatory.watchedKeyCount());
        assertEquals(0, purgatory.timerEntryCount());
        assertEquals(0, purgatory.waitingCount());
        purgatory.close();
    }

    @Test
    void forceCompleteFromOutsideCancelsTheTimerAndTheWatchers() {
        DelayedOperationPurgatory<Integer> purgatory = purgatory(10);
        OffsetWait wait = new OffsetWait(new AtomicLong(), 5, 250);
        purgatory.tryCompleteElseWatch(wait, List.of(0, 1, 2));
        assertTrue(wait.forceComplete());
        assertFalse(wait.forceComplete(), "exactly once");
        assertEquals(0, purgatory.timerEntryCount());
        assertEquals(0, purgatory.watchedKeyCount());
        advanceMs(1_000);
        assertEquals(0, purgatory.doWork(purgatory.nowMs()), "nothing left to expire");
        assertEquals(1, wait.completions.get());
        assertEquals(CompletionCause.SATISFIED, wait.cause.get());
        purgatory.close();
    }

    @Test
    void theBoundRefusesTheNextOperationUntilOneCompletes() {
        DelayedOperationPurgatory<Integer> purgatory = purgatory(2);
        AtomicLong end = new AtomicLong();
        OffsetWait first = new OffsetWait(end, 1, 30_000);
        OffsetWait second = new OffsetWait(end, 2, 30_000);
        OffsetWait third = new OffsetWait(end, 3, 30_000);
        assertEquals(WatchOutcome.WATCHING, purgatory.tryCompleteElseWatch(first, List.of(0)));
        assertEquals(WatchOutcome.WATCHING, purgatory.tryCompleteElseWatch(second, List.of(0)));
        assertEquals(WatchOutcome.REFUSED, purgatory.tryCompleteElseWatch(third, List.of(0)));
        assertEquals(0, third.completions.get(), "the caller answers a refused operation");
        assertEquals(2, purgatory.timerEntryCount());

        end.set(1);
        purgatory.keyChanged(0);
        purgatory.doWork(purgatory.nowMs());
        assertEquals(1, first.completions.get());
        assertEquals(WatchOutcome.WATCHING, purgatory.tryCompleteElseWatch(third, List.of(0)));
        assertEquals(2, purgatory.waitingCount());
        purgatory.close();
    }

    @Test
    void closeAnswersEveryWaitingOperationAndRefusesNewOnes() {
        DelayedOperationPurgatory<Integer> purgatory = purgatory(10);
        OffsetWait a = new OffsetWait(new AtomicLong(), 1, 30_000);
        OffsetWait b = new OffsetWait(new AtomicLong(), 1, Long.MAX_VALUE);
        purgatory.tryCompleteElseWatch(a, List.of(0));
        purgatory.tryCompleteElseWatch(b, List.of());
        purgatory.close();
        assertEquals(CompletionCause.CLOSED, a.cause.get());
        assertEquals(CompletionCause.CLOSED, b.cause.get());
        assertEquals(0, purgatory.waitingCount());
        assertEquals(0, purgatory.watchedKeyCount());
        assertEquals(WatchOutcome.REFUSED,
                purgatory.tryCompleteElseWatch(new OffsetWait(new AtomicLong(), 1, 10), List.of(0)));
    }

    /** The same purgatory keyed by group name: the API fits a delayed JoinGroup. */
    @Test
    void aToyJoinKeyedByGroupCompletesWhenAllMembersJoinedOrAtTheRebalanceTimeout() {
        DelayedOperationPurgatory<String> groups = new DelayedOperationPurgatory<>("join", 10, fakeNanos::get, 1, 8);
        Group full = new Group("full", 2);
        Group partial = new Group("partial", 3);
        ToyJoin fullJoin = new ToyJoin(full, 5_000);
        ToyJoin partialJoin = new ToyJoin(partial, 5_000);
        assertEquals(WatchOutcome.WATCHING, groups.tryCompleteElseWatch(fullJoin, List.of(full.name)));
        assertEquals(WatchOutcome.WATCHING, groups.tryCompleteElseWatch(partialJoin, List.of(partial.name)));

        for (String member : List.of("m1", "m2")) {
            synchronized (full) {
                full.joined.add(member);
            }
            groups.checkAndComplete(full.name); // on the joining member's thread, after its lock
        }
        synchronized (partial) {
            partial.joined.add("p1");
        }
        groups.checkAndComplete(partial.name);
        assertEquals(CompletionCause.SATISFIED, fullJoin.cause);
        assertEquals(Set.of("m1", "m2"), new HashSet<>(fullJoin.answer));
        assertNull(partialJoin.cause, "one of three members: waits");

        advanceMs(5_000);
        groups.doWork(groups.nowMs());
        assertEquals(CompletionCause.EXPIRED, partialJoin.cause);
        assertEquals(List.of("p1"), partialJoin.answer);
        assertEquals(0, groups.watchedKeyCount());
        assertEquals(0, groups.timerEntryCount());
        groups.close();
    }

    /**
     * Writer threads race the purgatory's own thread: each appends to random partitions and
     * signals the key, while other threads watch operations waiting for offsets, some of which
     * expire meanwhile. Every operation completes exactly once, and the purgatory ends empty.
     */
    @Test
    void appendsRacingCompletionCompleteEachOperationExactlyOnce() throws Exception {
        long seed = TestSeeds.seed();
        int partitions = 4;
        int writers = 3;
        int appendsPerWriter = 20_000;
        int watchers = 2;
        int operationsPerWatcher = 2_000;
        AtomicLong[] ends = new AtomicLong[partitions];
        for (int p = 0; p < partitions; p++) {
            ends[p] = new AtomicLong();
        }
        DelayedOperationPurgatory<Integer> purgatory = DelayedOperationPurgatory.start("race", 1_000_000);
        List<OffsetWait> operations = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < writers; w++) {
            Random random = new Random(seed + w);
            threads.add(new Thread(() -> {
                for (int i = 0; i < appendsPerWriter; i++) {
                    int p = random.nextInt(partitions);
                    ends[p].incrementAndGet();
                    purgatory.keyChanged(p);
                }
            }, "writer-" + w));
        }
        for (int w = 0; w < watchers; w++) {
            Random random = new Random(seed * 31 + w);
            threads.add(new Thread(() -> {
                for (int i = 0; i < operationsPerWatcher; i++) {
                    int p = random.nextInt(partitions);
                    // A target just ahead of the end: most are reached while appends still race.
                    // Half wait long; half have a few ms, so expiry races the appends and the checks too.
                    long delayMs = random.nextBoolean() ? 600_000 : 1 + random.nextInt(5);
                    OffsetWait operation = new OffsetWait(ends[p], ends[p].get() + 1 + random.nextInt(50), delayMs);
                    operations.add(operation);
                    WatchOutcome outcome = purgatory.tryCompleteElseWatch(operation, List.of(p));
                    if (outcome == WatchOutcome.REFUSED) {
                        failures.add(new AssertionError("refused under the bound"));
                    }
                }
            }, "watcher-" + w));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        // Operations whose target is beyond the final end of their partition wait: complete them by appending.
        for (int p = 0; p < partitions; p++) {
            ends[p].addAndGet(100);
            purgatory.keyChanged(p);
        }
        Waits.waitUntil(Duration.ofSeconds(60), () -> purgatory.waitingCount() == 0,
                () -> "seed " + seed + ": still waiting " + purgatory.waitingCount());
        for (OffsetWait operation : operations) {
            assertEquals(1, operation.completions.get(), "seed " + seed);
            if (operation.delayMs() == 600_000) {
                assertEquals(CompletionCause.SATISFIED, operation.cause.get(), "seed " + seed);
            }
        }
        assertEquals(0, purgatory.watchedKeyCount(), "seed " + seed);
        assertEquals(0, purgatory.timerEntryCount(), "seed " + seed);
        purgatory.close();
    }
}
