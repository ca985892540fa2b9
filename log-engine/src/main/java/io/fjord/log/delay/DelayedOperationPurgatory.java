package io.fjord.log.delay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Delayed operations watched by key (the role of Kafka's DelayedOperationPurgatory): a partition
 * for fetches and, later, delayed produces; a group for delayed joins. When a key changes, the
 * operations watching it {@link DelayedOperation#tryComplete try to complete}; an operation's
 * delay is a {@link TimingWheel} entry, cancelled when it completes. Completion releases
 * everything the purgatory holds for the operation (its watcher entries, its timer entry, its
 * slot of the bound) before its response is built.
 *
 * <p>Threads. {@link #keyChanged} is for threads that must not wait (partition writers): it is
 * lock-free and allocation-light, a map read, a CAS that coalesces repeated changes of one key
 * and, for the first change, an enqueue and an unpark of the purgatory's own thread. That thread
 * ({@code fjord-purgatory-<name>}) checks the watchers of changed keys, runs the timer wheel and
 * so completes most operations: the writer never builds a response nor wakes a selector.
 * {@link #tryCompleteElseWatch} runs on the caller's thread (a network thread: two cheap checks
 * and the registration, no waiting); {@link #checkAndComplete} checks a key's watchers on the
 * caller's thread (for owners that change a key under their own lock, such as a group).
 *
 * <p>Bounded: at most {@code maxOperations} wait at once; beyond that {@link WatchOutcome#REFUSED}.
 * The queue of changed keys holds each watched key at most once, so it is bounded by the keys
 * watched.
 *
 * @param <K> the key operations watch (needs equals/hashCode)
 */
public final class DelayedOperationPurgatory<K> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DelayedOperationPurgatory.class.getName());
    /** Longest the purgatory's thread parks with nothing due: only a safety net, wake-ups are explicit. */
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Changed keys checked per duty cycle before the timer gets its turn. */
    private static final int KEYS_PER_CYCLE = 4096;

    /** The operations watching one key, and whether the key is queued for a check. */
    private final class Watchers {
        final Set<DelayedOperation> operations = ConcurrentHashMap.newKeySet();
        final AtomicBoolean queued = new AtomicBoolean();
    }

    /** What the purgatory holds for one watched operation; released exactly once. */
    final class Registration {
        private final Collection<K> keys;
        private TimingWheel.Entry<DelayedOperation> timerEntry;
        private boolean released;

        private Registration(Collection<K> keys) {
            this.keys = keys;
        }

        synchronized void register(DelayedOperation operation, long deadlineMs) {
            if (released) {
                return;
            }
            for (K key : keys) {
                watchers.compute(key, (k, existing) -> {
                    Watchers watching = existing == null ? new Watchers() : existing;
                    watching.operations.add(operation);
                    return watching;
                });
            }
            synchronized (wheel) {
                timerEntry = wheel.schedule(deadlineMs, operation);
            }
        }

        void release(DelayedOperation operation) {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
                for (K key : keys) {
                    watchers.computeIfPresent(key, (k, watching) -> {
                        watching.operations.remove(operation);
                        return watching.operations.isEmpty() ? null : watching;
                    });
                }
                if (timerEntry != null) {
                    synchronized (wheel) {
                        wheel.cancel(timerEntry);
                    }
                    timerEntry = null;
                }
            }
            waiting.decrementAndGet();
        }
    }

    private final String name;
    private final int maxOperations;
    private final LongSupplier nanoClock;
    private final Map<K, Watchers> watchers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Watchers> changedKeys = new ConcurrentLinkedQueue<>();
    /** Guarded by itself: the purgatory thread expires, watching threads schedule, completing threads cancel. */
    private final TimingWheel<DelayedOperation> wheel;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong checksRun = new AtomicLong();
    /** The purgatory thread's scratch list of expired operations. */
    private final List<DelayedOperation> expired = new ArrayList<>();
    private volatile boolean closed;
    private volatile Thread worker;
    private volatile boolean workerParked;
    /** When the parked worker means to wake (ms on {@link #nanoClock}); an earlier new deadline unparks it. */
    private volatile long workerWakeMs = Long.MAX_VALUE;

    /**
     * A purgatory without a thread: the owner calls {@link #doWork} (tests drive it with a fake
     * clock). {@link #start} gives it its own thread.
     *
     * @param nanoClock monotonic nanoseconds ({@code System::nanoTime} in production)
     */
    public DelayedOperationPurgatory(String name, int maxOperations, LongSupplier nanoClock, long tickMs,
                                     int slotsPerLevel) {
        if (maxOperations < 0) {
            throw new IllegalArgumentException("maxOperations must not be negative: " + maxOperations);
        }
        this.name = name;
        this.maxOperations = maxOperations;
        this.nanoClock = nanoClock;
        this.wheel = new TimingWheel<>(tickMs, slotsPerLevel, nowMs());
    }

    /** A purgatory on the system clock with its own daemon thread, {@code fjord-purgatory-<name>}. */
    public static <K> DelayedOperationPurgatory<K> start(String name, int maxOperations) {
        DelayedOperationPurgatory<K> purgatory = new DelayedOperationPurgatory<>(name, maxOperations,
                System::nanoTime, TimingWheel.DEFAULT_TICK_MS, TimingWheel.DEFAULT_SLOTS_PER_LEVEL);
        purgatory.startThread();
        return purgatory;
    }

    private void startThread() {
        Thread thread = new Thread(this::run, "fjord-purgatory-" + name);
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    /**
     * Completes {@code operation} now if it can; otherwise watches it under {@code keys} until
     * a key changes so that it completes, or its delay passes. On {@link WatchOutcome#REFUSED}
     * nothing is watched and the caller answers (e.g. {@link DelayedOperation#forceComplete}).
     * An operation is watched once.
     */
    public WatchOutcome tryCompleteElseWatch(DelayedOperation operation, Collection<K> keys) {
        if (closed) {
            return WatchOutcome.REFUSED;
        }
        if (safeTryComplete(operation) || operation.isCompleted()) {
            return WatchOutcome.COMPLETED;
        }
        if (operation.registration() != null) {
            throw new IllegalStateException("operation is already watched: " + operation);
        }
        if (waiting.incrementAndGet() > maxOperations) {
            waiting.decrementAndGet();
            return WatchOutcome.REFUSED;
        }
        Registration registration = new Registration(List.copyOf(keys));
        operation.registration(registration);
        long deadlineMs = saturatedAdd(nowMs(), operation.delayMs());
        registration.register(operation, deadlineMs);
        if (operation.isCompleted()) {
            // Completed by another thread before its registration was visible: release it here.
            registration.release(operation);
            return WatchOutcome.COMPLETED;
        }
        if (deadlineMs < workerWakeMs) {
            wakeWorker();
        }
        // A key may have changed between the first check and the registration above.
        if (safeTryComplete(operation)) {
            return WatchOutcome.COMPLETED;
        }
        if (closed) {
            operation.complete(CompletionCause.CLOSED); // close() may have drained before we registered
        }
        return operation.isCompleted() ? WatchOutcome.COMPLETED : WatchOutcome.WATCHING;
    }

    /**
     * Tells the purgatory {@code key} changed (data appended, a high watermark moved). Lock-free,
     * any thread, cheap enough for a writer thread: the check happens on the purgatory's thread.
     */
    public void keyChanged(K key) {
        Watchers watching = watchers.get(key);
        if (watching != null && watching.queued.compareAndSet(false, true)) {
            changedKeys.offer(watching);
            if (workerParked) {
                LockSupport.unpark(worker);
            }
        }
    }

    /** Checks the operations watching {@code key} on the calling thread; returns how many completed. */
    public int checkAndComplete(K key) {
        Watchers watching = watchers.get(key);
        return watching == null ? 0 : check(watching);
    }

    /**
     * One duty cycle of the purgatory's thread: checks the changed keys, then expires what is
     * due at {@code nowMs}. Returns the work done (0: nothing to do). Single caller at a time.
     */
    public int doWork(long nowMs) {
        int work = 0;
        Watchers watching;
        for (int i = 0; i < KEYS_PER_CYCLE && (watching = changedKeys.poll()) != null; i++) {
            watching.queued.set(false); // before the check: a change during it queues the key again
            check(watching);
            work++;
        }
        synchronized (wheel) {
            work += wheel.expire(nowMs, expired::add);
        }
        try {
            for (int i = 0; i < expired.size(); i++) {
                completeQuietly(expired.get(i), CompletionCause.EXPIRED);
            }
        } finally {
            expired.clear();
        }
        return work;
    }

    private int check(Watchers watching) {
        int completed = 0;
        for (DelayedOperation operation : watching.operations) {
            if (!operation.isCompleted()) {
                checksRun.incrementAndGet();
                if (safeTryComplete(operation)) {
                    completed++;
                }
            }
        }
        return completed;
    }

    private static boolean safeTryComplete(DelayedOperation operation) {
        try {
            return operation.tryComplete();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "A delayed operation's check failed; completing it now", e);
            return operation.forceComplete();
        }
    }

    private void run() {
        while (!closed) {
            int work;
            try {
                work = doWork(nowMs());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "purgatory " + name + ": duty cycle failed", e);
                work = 0;
            }
            if (work == 0) {
                park();
            }
        }
    }

    /** Parks until the next timer bucket is due, a changed key is queued, or an earlier deadline is watched. */
    private void park() {
        long nextMs;
        synchronized (wheel) {
            nextMs = wheel.nextExpirationMs();
        }
        workerWakeMs = nextMs;
        workerParked = true;
        try {
            if (changedKeys.isEmpty() && !closed) { // after the flag: an enqueue now sees it and unparks
                long nanos = nextMs == Long.MAX_VALUE ? MAX_PARK_NANOS
                        : Math.min(MAX_PARK_NANOS, saturatedMultiply(nextMs) - nanoClock.getAsLong());
                if (nanos > 0) {
                    LockSupport.parkNanos(this, nanos);
                }
            }
        } finally {
            workerParked = false;
            workerWakeMs = Long.MAX_VALUE;
        }
    }

    private void wakeWorker() {
        Thread thread = worker;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** Operations waiting now (watched and not completed). */
    public int waitingCount() {
        return waiting.get();
    }

    /** Keys with at least one watcher. */
    public int watchedKeyCount() {
        return watchers.size();
    }

    /** Entries in the timer wheel. */
    public int timerEntryCount() {
        synchronized (wheel) {
            return wheel.size();
        }
    }

    /** Checks run by {@link #doWork} and {@link #checkAndComplete} so far (after key changes). */
    public long checksRun() {
        return checksRun.get();
    }

    public long nowMs() {
        return nanoClock.getAsLong() / 1_000_000L;
    }

    /** Completes every waiting operation with {@link CompletionCause#CLOSED}, then stops the thread. */
    @Override
    public void close() {
        closed = true;
        Thread thread = worker;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Every watched operation has a timer entry: draining the wheel reaches them all.
        List<DelayedOperation> remaining = new ArrayList<>();
        synchronized (wheel) {
            wheel.expire(Long.MAX_VALUE, remaining::add);
        }
        for (DelayedOperation operation : remaining) {
            completeQuietly(operation, CompletionCause.CLOSED);
        }
    }

    /** An operation whose own completion throws must not keep the others waiting. */
    private static void completeQuietly(DelayedOperation operation, CompletionCause cause) {
        try {
            operation.complete(cause);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "A delayed operation failed to complete (" + cause + ")", e);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long ms) {
        return ms > Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : ms * 1_000_000L;
    }

    @Override
    public String toString() {
        return "DelayedOperationPurgatory(" + name + ", waiting=" + waiting.get() + "/" + maxOperations + ")";
    }
}
