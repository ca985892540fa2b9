package io.fjord.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * One broker, one round: fork it on an empty directory, time it to ready, then run every
 * workload in a fixed order, charging the broker's CPU (utime+stime) sampled around each one.
 * The broker is stopped at the end, so only one broker runs at a time on a 2-core machine.
 */
final class BrokerRound {
    private static final double BYTES_PER_GB = 1e9;
    private static final double BYTES_PER_MIB = 1024 * 1024;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final BenchOptions options;
    private final Results results;
    private final BrokerKind kind;

    BrokerRound(BenchOptions options, Results results, BrokerKind kind) {
        this.options = options;
        this.results = results;
        this.kind = kind;
    }

    /** Phase 1: start-up, memory, the produce and consume matrix, latency at a fixed rate. */
    void runThroughput(BrokerLauncher launcher, Path sessionDir) throws IOException, InterruptedException {
        // The probe is built after the fork (the port is chosen by the launcher); Bench has loaded
        // the client classes already, so building it costs ~ms, not the class loading's ~0.3 s.
        try (BrokerProcess running = launcher.start(sessionDir); ReadyProbe probe = new ReadyProbe(running.bootstrap())) {
            long readyNanos = probe.awaitReadyNanos(running, READY_TIMEOUT);
            record(Metrics.START_TO_READY, "ms", true, readyNanos / 1e6);
            log("ready in %.0f ms at %s (pid %d)", readyNanos / 1e6, running.bootstrap(), running.pid());
            Thread.sleep(options.idleSettle().toMillis());
            record(Metrics.RSS_IDLE, "MiB", true, ProcStats.rssBytes(running.pid()) / BYTES_PER_MIB);
            runWorkloads(running);
            record(Metrics.RSS_LOADED, "MiB", true, ProcStats.rssBytes(running.pid()) / BYTES_PER_MIB);
        }
    }

    /**
     * Phase 2: e2e latency at one rate for both brokers, half the lower of their max produce
     * rates. Each broker at half of its <em>own</em> max would load the faster one harder, and on
     * 2 cores the shared client saturates first: the test would measure the client's queue.
     */
    void runLatency(BrokerLauncher launcher, Path sessionDir, double recordsPerSecond)
            throws IOException, InterruptedException {
        try (BrokerProcess running = launcher.start(sessionDir); ReadyProbe probe = new ReadyProbe(running.bootstrap())) {
            probe.awaitReadyNanos(running, READY_TIMEOUT);
            latency(running, Metrics.E2E_HALF_MAX, "e2e-half-max", recordsPerSecond,
                    ClientConfigs.throughputProducer(running.bootstrap(), Metrics.MAX_RATE_SPEC.acks()));
        }
    }

    private void runWorkloads(BrokerProcess broker) throws InterruptedException {
        String bootstrap = broker.bootstrap();
        for (ProduceWorkload.Spec spec : options.produceSpecs()) {
            Topics.create(bootstrap, spec.topic(), spec.partitions());
            charged(broker, spec.label(),
                    () -> ProduceWorkload.run(bootstrap, spec, options.compression(), options.recordsFor(spec),
                            options.workloadTimeLimit()));
        }
        for (ProduceWorkload.Spec spec : options.produceSpecs()) {
            if (spec.acks().equals("1")) {
                if (!options.smoke()) {
                    // One uncharged pass first, for both brokers alike: the first reads of a workload
                    // compile the fetch path, which is start-up cost, not cost per GB.
                    ConsumeWorkload.run(bootstrap, spec.topic(), options.recordsFor(spec), 1,
                            options.workloadTimeLimit());
                }
                charged(broker, Metrics.consumeLabel(spec),
                        () -> ConsumeWorkload.run(bootstrap, spec.topic(), options.recordsFor(spec),
                                options.consumePasses(), options.workloadTimeLimit()));
            }
        }
        // A low fixed rate with linger.ms=0 shows the broker's own latency. (At 50% of max rate,
        // runLatency keeps the batching that reached the max, linger 5 ms and 64 KiB: without it the
        // client alone cannot sustain the rate on 2 cores and the test measures its queue.)
        latency(broker, Metrics.E2E_FIXED, "e2e-fixed", options.fixedRateRecordsPerSecond(),
                ClientConfigs.latencyProducer(bootstrap));
    }

    /** Runs a throughput workload and records its rate and the broker CPU it cost per GB. */
    private void charged(BrokerProcess broker, String label, Supplier<Throughput> workload) {
        Map<String, Double> threadsBefore = ProcStats.cpuSecondsByThread(broker.pid());
        double cpuBefore = ProcStats.cpuSeconds(broker.pid());
        Throughput result = workload.get();
        double cpuSeconds = ProcStats.cpuSeconds(broker.pid()) - cpuBefore;
        Map<String, Double> threadsAfter = ProcStats.cpuSecondsByThread(broker.pid());
        record(Metrics.throughput(label), "records/s", false, result.recordsPerSecond());
        record(Metrics.megabytes(label), "MB/s", false, result.megabytesPerSecond());
        record(Metrics.cpuPerGb(label), "CPU s/GB", true, cpuSeconds / (result.payloadBytes() / BYTES_PER_GB));
        log("%-40s %,10.0f rec/s %8.1f MB/s  broker CPU %.2f s  (%s)", label, result.recordsPerSecond(),
                result.megabytesPerSecond(), cpuSeconds, busiestThreads(threadsBefore, threadsAfter));
    }

    /** The broker threads that used the most CPU between two snapshots, e.g. "fjord-net 0.21 s, C2 CompilerThre 0.08 s". */
    static String busiestThreads(Map<String, Double> before, Map<String, Double> after) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        for (Map.Entry<String, Double> thread : after.entrySet()) {
            double seconds = thread.getValue() - before.getOrDefault(thread.getKey(), 0.0);
            if (seconds > 0) {
                used.add(Map.entry(thread.getKey(), seconds));
            }
        }
        used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(4, used.size()); i++) {
            out.append(i == 0 ? "" : ", ").append(used.get(i).getKey())
                    .append(String.format(java.util.Locale.ROOT, " %.2f s", used.get(i).getValue()));
        }
        return out.length() == 0 ? "no thread used a tick" : out.toString();
    }

    private void latency(BrokerProcess broker, String label, String topic, double recordsPerSecond,
                         Properties producerConfig) throws InterruptedException {
        Topics.create(broker.bootstrap(), topic, 1);
        double cpuBefore = ProcStats.cpuSeconds(broker.pid());
        Latency latency = EndToEndLatencyWorkload.run(producerConfig, broker.bootstrap(), topic, 100, recordsPerSecond,
                options.latencyWarmup(), options.latencyMeasured());
        double cpuSeconds = ProcStats.cpuSeconds(broker.pid()) - cpuBefore;
        double sentBytes = recordsPerSecond * 100
                * (options.latencyWarmup().toNanos() + options.latencyMeasured().toNanos()) / 1e9;
        record(Metrics.percentile(label, "rate"), "records/s", false, recordsPerSecond);
        record(Metrics.percentile(label, "p50"), "ms", true, latency.p50Micros() / 1e3);
        record(Metrics.percentile(label, "p99"), "ms", true, latency.p99Micros() / 1e3);
        record(Metrics.percentile(label, "p99.9"), "ms", true, latency.p999Micros() / 1e3);
        record(Metrics.percentile(label, "records lost"), "records", true, latency.lost());
        record(Metrics.percentile(label, "records delivered twice"), "records", true, latency.duplicates());
        record(Metrics.percentile(label, "producer retries"), "records", true, latency.producerRetries());
        record(Metrics.percentile(label, "fetches OFFSET_OUT_OF_RANGE"), "fetches", true, latency.offsetOutOfRange());
        record(Metrics.cpuPerGb(label), "CPU s/GB", true, cpuSeconds / (sentBytes / BYTES_PER_GB));
        log("%-40s at %,.0f rec/s: p50 %.2f ms p99 %.2f ms p99.9 %.2f ms (%d measured, %d lost, %d twice, "
                        + "%d producer retries, %d OFFSET_OUT_OF_RANGE)", label, recordsPerSecond, latency.p50Micros() / 1e3,
                latency.p99Micros() / 1e3, latency.p999Micros() / 1e3, latency.measured(), latency.lost(),
                latency.duplicates(), latency.producerRetries(), latency.offsetOutOfRange());
    }

    private void record(String label, String unit, boolean lowerIsBetter, double value) {
        results.add(label, unit, lowerIsBetter, kind, value);
    }

    private void log(String format, Object... args) {
        System.out.printf("[%s] " + format + "%n", prepend(kind.label, args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
