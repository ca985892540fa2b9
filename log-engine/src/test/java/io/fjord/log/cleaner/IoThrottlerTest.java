package io.fjord.log.cleaner;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cleaner's I/O cap, on a fake clock that the throttler's sleeps advance. */
class IoThrottlerTest {
    private static final long MB = 1_000_000L;

    private final AtomicLong nowNanos = new AtomicLong(1_000_000_000L);

    private IoThrottler throttler(long bytesPerSecond) {
        return new IoThrottler(bytesPerSecond, nowNanos::get, nowNanos::addAndGet);
    }

    /** A read of {@code bytes} that takes {@code nanos} on its own, then reports to the throttler. */
    private void read(IoThrottler throttler, long bytes, long nanos) throws InterruptedException {
        nowNanos.addAndGet(nanos);
        throttler.acquire(bytes);
    }

    @Test
    void trafficAboveTheCapIsSpreadToTheCap() throws InterruptedException {
        IoThrottler throttler = throttler(4 * MB);
        long start = nowNanos.get();
        for (int i = 0; i < 100; i++) {
            read(throttler, MB / 5, 1_000_000L); // 20 MB in 200 KB reads at 200 MB/s on their own
        }
        double seconds = (nowNanos.get() - start) / 1e9;
        assertTrue(seconds >= 4.9 && seconds <= 5.1, "20 MB at 4 MB/s took " + seconds + " s");
    }

    @Test
    void trafficBelowTheCapIsNeverHeldBack() throws InterruptedException {
        IoThrottler throttler = throttler(10 * MB);
        for (int i = 0; i < 50; i++) {
            read(throttler, MB / 10, 100_000_000L); // 1 MB/s of I/O
        }
        assertEquals(0, throttler.sleptNanos());
    }

    @Test
    void anIdleSpellEarnsNoBurstBeyondAWindow() throws InterruptedException {
        IoThrottler throttler = throttler(MB);
        read(throttler, 1, 0);
        read(throttler, 1, 60_000_000_000L); // after a minute idle: starts a new window
        long start = nowNanos.get();
        for (int i = 0; i < 30; i++) {
            read(throttler, MB / 10, 1_000_000L); // 3 MB at 100 MB/s on their own
        }
        read(throttler, 0, IoThrottler.CHECK_NANOS); // let the window end
        read(throttler, 1, 0);
        double seconds = (nowNanos.get() - start) / 1e9;
        assertTrue(seconds >= 2.9, "3 MB after an idle minute still takes ~3 s at 1 MB/s, took " + seconds);
    }

    @Test
    void unlimitedNeverSleepsAndTheCapMustBePositive() throws InterruptedException {
        IoThrottler unlimited = new IoThrottler(IoThrottler.UNLIMITED, nowNanos::get, nanos -> {
            throw new AssertionError("slept");
        });
        unlimited.acquire(Long.MAX_VALUE / 2);
        assertThrows(IllegalArgumentException.class, () -> throttler(0));
    }
}
