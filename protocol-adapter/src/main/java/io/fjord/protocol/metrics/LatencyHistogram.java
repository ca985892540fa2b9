package io.fjord.protocol.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency distribution in microseconds: recorded wait-free on any thread (HdrHistogram's
 * {@link Recorder}, whose writers never lock: a phaser swaps the active histogram when a reader asks),
 * read at scrape time as a cumulative {@link Histogram} since start.
 *
 * <p>Two significant digits (1% resolution) in packed, auto-resizing histograms: a histogram nobody
 * records into costs a few hundred bytes, so every API can have five of them.
 *
 * <p>Thread-safe: {@link #recordNanos} from any thread; {@link #snapshot} serialised on this object
 * (scrape threads only).
 */
public final class LatencyHistogram {
    private static final int SIGNIFICANT_DIGITS = 2;
    private static final long NANOS_PER_MICRO = 1_000;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS, true);
    /** Everything recorded since start; only touched under this object's lock. */
    private final Histogram cumulative = new Histogram(SIGNIFICANT_DIGITS);
    private Histogram interval;

    /** Records one duration; negative ones (a clock read out of order across threads) count as 0. */
    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos / NANOS_PER_MICRO));
    }

    /**
     * @return a copy of everything recorded since start, in microseconds; the caller owns it
     */
    public synchronized Histogram snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return cumulative.copy();
    }
}
