package io.fjord.log.group;

import io.fjord.log.io.MillisClock;

import java.util.PriorityQueue;

/**
 * A clock and a {@link GroupTimer} that move only when told to, for deterministic tests: pass the
 * same instance as the engine's clock and as the coordinator's timer, then {@link #advance}.
 * Tasks run on the advancing thread, in deadline order (ties in scheduling order).
 *
 * <p>Thread-safe; tasks run outside its lock so they may schedule more tasks.
 */
public final class ManualTimer implements GroupTimer, MillisClock {
    /** Bounds one {@link #advance} so a task that reschedules itself at delay 0 cannot spin forever. */
    private static final int MAX_TASKS_PER_ADVANCE = 10_000_000;

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long nowMs;
    private long sequence;
    private boolean closed;

    private static final class Entry implements Comparable<Entry> {
        final long deadlineMs;
        final long sequence;
        final Runnable task;
        volatile boolean cancelled;

        Entry(long deadlineMs, long sequence, Runnable task) {
            this.deadlineMs = deadlineMs;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public int compareTo(Entry other) {
            int byDeadline = Long.compare(deadlineMs, other.deadlineMs);
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }

    public ManualTimer(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public synchronized long nowMs() {
        return nowMs;
    }

    @Override
    public synchronized Cancellable schedule(long delayMs, Runnable task) {
        if (closed) {
            return () -> { };
        }
        Entry entry = new Entry(nowMs + Math.max(0, delayMs), sequence++, task);
        queue.add(entry);
        return () -> entry.cancelled = true;
    }

    /** Moves time forward by {@code deltaMs}, running every task due on the way at its own time. */
    public void advance(long deltaMs) {
        long targetMs;
        synchronized (this) {
            targetMs = nowMs + deltaMs;
        }
        for (int run = 0; run < MAX_TASKS_PER_ADVANCE; run++) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (closed || next == null || next.deadlineMs > targetMs) {
                    nowMs = Math.max(nowMs, targetMs);
                    return;
                }
                queue.poll();
                nowMs = Math.max(nowMs, next.deadlineMs);
            }
            if (!next.cancelled) {
                next.task.run();
            }
        }
        throw new IllegalStateException("more than " + MAX_TASKS_PER_ADVANCE + " timer tasks in one advance");
    }

    /** Tasks scheduled and not yet run (cancelled ones included until their time). */
    public synchronized int pendingTasks() {
        return queue.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        queue.clear();
    }
}
