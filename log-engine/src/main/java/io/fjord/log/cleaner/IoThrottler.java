package io.fjord.log.cleaner;

import java.util.function.LongSupplier;

/**
 * Caps the cleaner's disk traffic, bytes read plus bytes written by every cleaner thread together,
 * at a rate (Kafka's {@code log.cleaner.io.max.bytes.per.second}), so compaction cannot starve
 * producers and consumers of the disk. Each read or write reports its bytes; once the current
 * window has lasted {@link #CHECK_NANOS}, if its bytes would have needed longer at the rate, the
 * reporting thread sleeps the difference and a new window starts. So I/O runs at full speed for at
 * most one check interval before being evened out, and an idle spell earns no burst beyond it.
 *
 * <p>Thread-safe; a thread sleeps holding the lock, so the other cleaner threads wait with it,
 * which is the point: the cap is shared.
 */
final class IoThrottler {
    /** Long.MAX_VALUE bytes/s: no cap (Kafka's default is unbounded too). */
    static final long UNLIMITED = Long.MAX_VALUE;

    /** How long a window runs before its rate is checked: short enough to keep bursts small. */
    static final long CHECK_NANOS = 100_000_000L;

    /** How the throttler waits; a test substitutes a fake clock's advance. */
    @FunctionalInterface
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final long bytesPerSecond;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long windowStartNanos;
    private long windowBytes;
    private long sleptNanos;

    IoThrottler(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L)));
    }

    IoThrottler(long bytesPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytes per second must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.windowStartNanos = nanoClock.getAsLong();
    }

    /**
     * Reports {@code bytes} of cleaner I/O and waits as long as the cap requires.
     *
     * @throws InterruptedException if the wait is interrupted (the cleaner is stopping)
     */
    void acquire(long bytes) throws InterruptedException {
        if (bytesPerSecond == UNLIMITED || bytes <= 0) {
            return;
        }
        synchronized (this) {
            windowBytes += bytes;
            long now = nanoClock.getAsLong();
            long elapsed = now - windowStartNanos;
            if (elapsed < CHECK_NANOS) {
                return;
            }
            long dueNanos = (long) (windowBytes * 1e9 / bytesPerSecond);
            if (dueNanos > elapsed) {
                sleeper.sleepNanos(dueNanos - elapsed);
                sleptNanos += dueNanos - elapsed;
                now = nanoClock.getAsLong();
            }
            windowStartNanos = now;
            windowBytes = 0;
        }
    }

    /** Total time threads were held back (metrics, tests). */
    synchronized long sleptNanos() {
        return sleptNanos;
    }
}
