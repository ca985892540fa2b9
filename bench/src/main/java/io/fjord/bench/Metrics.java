package io.fjord.bench;

/** Row labels shared by the recorder, the targets and the charts, so they cannot drift apart. */
final class Metrics {
    static final String START_TO_READY = "start to first Metadata response";
    static final String RSS_IDLE = "RSS idle";
    static final String RSS_LOADED = "RSS after load";
    static final String E2E_FIXED = "e2e latency, fixed rate";
    /** Same rate for both brokers: half the lower of their max rates (see BrokerRound.runLatency). */
    static final String E2E_HALF_MAX = "e2e latency at 50% of max rate";
    /** The produce workload whose rate defines "max rate" for the 50% latency test. */
    static final ProduceWorkload.Spec MAX_RATE_SPEC = new ProduceWorkload.Spec(100, 8, "1");

    private Metrics() {
    }

    static String throughput(String workload) {
        return workload + ": throughput";
    }

    static String megabytes(String workload) {
        return workload + ": MB/s";
    }

    static String cpuPerGb(String workload) {
        return workload + ": broker CPU per GB";
    }

    static String consumeLabel(ProduceWorkload.Spec spec) {
        return "consume from start " + BenchOptions.sizeLabel(spec.recordBytes()) + ", " + spec.partitions() + " p";
    }

    static String percentile(String workload, String percentile) {
        return workload + ": " + percentile;
    }
}
