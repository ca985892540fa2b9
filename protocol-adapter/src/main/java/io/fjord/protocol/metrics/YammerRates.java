package io.fjord.protocol.metrics;

import java.util.function.LongSupplier;

/**
 * The rates a Yammer {@code Meter} shows over JMX (MeanRate, One/Five/FifteenMinuteRate, per second),
 * computed from a cumulative count when read instead of by a ticking thread. Yammer ticks its
 * exponentially weighted averages every 5 s; here the ticks missed since the last read are applied
 * at once, the events counted meanwhile spread evenly over them, which for {@code n} ticks of the same
 * rate {@code r} is the closed form {@code rate = r + (rate - r) * (1 - alpha)^n}. Read every few
 * seconds (as JMX pollers do) this matches Yammer; read rarely, it smooths bursts between reads.
 *
 * <p>Thread-safe: reads are synchronised; the count is whatever thread-safe counter is given.
 */
final class YammerRates {
    private static final long TICK_NANOS = 5_000_000_000L;
    private static final double TICK_SECONDS = 5.0;
    private static final double[] WINDOW_SECONDS = {60, 300, 900};

    private final LongSupplier count;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final double[] rates = new double[WINDOW_SECONDS.length];
    private long lastTickNanos;
    private long lastCount;
    private boolean ticked;

    YammerRates(LongSupplier count) {
        this(count, System::nanoTime);
    }

    /** With a clock of its own, for tests. */
    YammerRates(LongSupplier count, LongSupplier nanoClock) {
        this.count = count;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastTickNanos = startNanos;
        this.lastCount = count.getAsLong();
    }

    long count() {
        return count.getAsLong();
    }

    synchronized double meanRate() {
        double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
        return seconds <= 0 ? 0 : count.getAsLong() / seconds;
    }

    /** @param window 0: one minute, 1: five minutes, 2: fifteen minutes */
    synchronized double rate(int window) {
        catchUp();
        return rates[window];
    }

    private void catchUp() {
        long now = nanoClock.getAsLong();
        long ticks = (now - lastTickNanos) / TICK_NANOS;
        if (ticks <= 0) {
            return;
        }
        long current = count.getAsLong();
        double perSecond = (current - lastCount) / (ticks * TICK_SECONDS);
        for (int i = 0; i < rates.length; i++) {
            // Yammer's first tick sets the average to that tick's rate; each later one moves it by alpha.
            double from = ticked ? rates[i] : perSecond;
            double keep = Math.exp(-TICK_SECONDS / WINDOW_SECONDS[i]); // 1 - alpha
            rates[i] = perSecond + (from - perSecond) * Math.pow(keep, ticks);
        }
        ticked = true;
        lastCount = current;
        lastTickNanos += ticks * TICK_NANOS;
    }
}
