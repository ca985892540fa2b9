package io.fjord.bench;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency histogram in microseconds, with the count behind them: the shape of a
 * tail (p99, p99.9, max) and how many samples it stands on, as the focused runs report them.
 */
record RoundTrips(double p50Micros, double p99Micros, double p999Micros, double maxMicros, long count) {
    /** An empty histogram reads as NaN ("n/a" in a report), never as a latency of 0. */
    static RoundTrips of(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return new RoundTrips(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new RoundTrips(histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getTotalCount());
    }
}
