package io.fjord.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Counts sends whose callback has not run yet, so {@code flush()} and {@code close()} can wait for
 * them, and the bytes they hold, so {@code buffer.memory} bounds what a producer keeps accumulated
 * and in flight. Like Kafka, a send counts as done, and its bytes as free, only after its callback
 * returned.
 *
 * <p>Thread-safe. The hot path ({@link #started}, {@link #tryReserve}, {@link #completed}) is two
 * atomics and no lock; the monitor is taken only by threads that must wait (a full buffer, a flush)
 * and by completions while someone waits. A waiter registers in {@link #waiters} before it
 * re-checks under the monitor, and a completion updates the counters before it reads
 * {@link #waiters}, so a wake-up cannot be lost.
 *
 * <p>Not fair: unlike Kafka's BufferPool, a waiting large record may be overtaken by small ones
 * that fit. Waits are bounded by {@code max.block.ms}, so the worst case is a timeout, not a hang.
 */
final class InFlightSends {
    private final long maxBytes;
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicInteger waiters = new AtomicInteger();
    private final Object monitor = new Object();

    InFlightSends(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Counts one send that {@link #completed} will count done. */
    void started() {
        sends.incrementAndGet();
    }

    /**
     * Reserves {@code bytes} of the buffer, waiting up to {@code maxBlockMs} for completions to
     * free enough; returns false if they did not. {@code bytes} must not exceed {@link #maxBytes}.
     */
    boolean reserve(long bytes, long maxBlockMs) throws InterruptedException {
        assert bytes <= maxBytes : bytes + " > " + maxBytes;
        return tryReserve(bytes) || awaitUntil(() -> tryReserve(bytes), maxBlockMs);
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long current = reservedBytes.get();
            if (current + bytes > maxBytes) {
                return false;
            }
            if (reservedBytes.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** {@code count} sends are done (callbacks ran) and give back {@code releasedBytes}. */
    void completed(int count, long releasedBytes) {
        if (releasedBytes != 0) {
            long left = reservedBytes.addAndGet(-releasedBytes);
            assert left >= 0 : "released more bytes than reserved";
        }
        long left = sends.addAndGet(-count);
        assert left >= 0 : "more completions than sends";
        if (waiters.get() > 0) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    /** Bytes reserved now: accumulated plus in flight. */
    long reservedBytes() {
        return reservedBytes.get();
    }

    /** Waits until nothing is in flight or {@code timeoutMs} passes; returns whether all completed. */
    boolean awaitEmpty(long timeoutMs) throws InterruptedException {
        return sends.get() == 0 || awaitUntil(() -> sends.get() == 0, timeoutMs);
    }

    /**
     * The slow path of both waits: registers as a waiter, then re-checks {@code condition} under
     * the monitor until it holds (true) or {@code timeoutMs} passes (false).
     */
    private boolean awaitUntil(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        waiters.incrementAndGet();
        try {
            synchronized (monitor) {
                while (!condition.getAsBoolean()) {
                    long leftNs = deadlineNs - System.nanoTime();
                    if (leftNs <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, leftNs);
                }
                return true;
            }
        } finally {
            waiters.decrementAndGet();
        }
    }
}
