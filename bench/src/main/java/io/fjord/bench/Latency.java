package io.fjord.bench;

import org.HdrHistogram.Histogram;

/**
 * End-to-end latency percentiles in microseconds, how many records were measured, and the
 * delivery anomalies a latency figure must not hide: records never received, records received
 * twice, the producer's retries (a retried acks=1 batch may be appended twice) and fetches the
 * broker answered with OFFSET_OUT_OF_RANGE at an offset it had already returned records below.
 */
record Latency(double p50Micros, double p99Micros, double p999Micros, double maxMicros, long measured, long lost, long duplicates,
               long producerRetries, long offsetOutOfRange, long fetches, double fetchLatencyMaxMs) {
    /**
     * @param fetches fetch requests the consumer sent, -1 when unknown
     * @param fetchLatencyMaxMs the consumer's slowest fetch round trip (its fetch-latency-max), NaN when unknown
     */
    static Latency of(Histogram histogram, long lost, long duplicates, long producerRetries, long offsetOutOfRange,
                      long fetches, double fetchLatencyMaxMs) {
        return new Latency(histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getTotalCount(), lost, duplicates, producerRetries,
                offsetOutOfRange, fetches, fetchLatencyMaxMs);
    }
}
