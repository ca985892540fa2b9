package io.fjord.protocol.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.HdrHistogram.Histogram;

/**
 * Builds one scrape's Prometheus snapshots: counters, gauges, and classic histograms whose buckets are
 * read off an HdrHistogram (so the buckets are chosen at scrape time, not when recording). Not
 * thread-safe: one per scrape.
 */
final class Snapshots {
    /**
     * Upper bounds of latency buckets, in seconds: 100 µs to 30 s, about three per decade, fine enough to
     * see a 1 ms p99 target and a 500 ms long poll apart.
     */
    static final double[] LATENCY_BUCKETS_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
        Double.POSITIVE_INFINITY};
    private static final double SECONDS_PER_MICRO = 1e-6;

    private final MetricSnapshots.Builder all = MetricSnapshots.builder();

    CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    static CounterSnapshot.CounterDataPointSnapshot count(double value, String... labels) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }

    GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    static GaugeSnapshot.GaugeDataPointSnapshot value(double value, String... labels) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }

    /** A single-value counter. */
    void counter(String name, String help, double value) {
        add(counter(name, help).dataPoint(count(value)).build());
    }

    /** A single-value gauge. */
    void gauge(String name, String help, double value) {
        add(gauge(name, help).dataPoint(value(value)).build());
    }

    HistogramSnapshot.Builder histogram(String name, String help) {
        return HistogramSnapshot.builder().name(name).help(help);
    }

    /** One histogram data point from a histogram in microseconds. */
    static HistogramSnapshot.HistogramDataPointSnapshot latency(Histogram micros, String... labels) {
        long[] counts = new long[LATENCY_BUCKETS_SECONDS.length];
        long below = 0;
        for (int i = 0; i < counts.length - 1; i++) {
            long upToMicros = Math.round(LATENCY_BUCKETS_SECONDS[i] / SECONDS_PER_MICRO);
            long cumulative = micros.getTotalCount() == 0 ? 0 : micros.getCountBetweenValues(0, upToMicros);
            counts[i] = cumulative - below; // the model takes each bucket's own count
            below = cumulative;
        }
        counts[counts.length - 1] = micros.getTotalCount() - below;
        double sumSeconds = micros.getMean() * micros.getTotalCount() * SECONDS_PER_MICRO;
        return HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(LATENCY_BUCKETS_SECONDS, counts))
                .sum(sumSeconds)
                .labels(Labels.of(labels))
                .build();
    }

    void add(io.prometheus.metrics.model.snapshots.MetricSnapshot snapshot) {
        all.metricSnapshot(snapshot);
    }

    MetricSnapshots build() {
        return all.build();
    }
}
