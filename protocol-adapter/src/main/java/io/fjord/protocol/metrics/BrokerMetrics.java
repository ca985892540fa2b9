package io.fjord.protocol.metrics;

/**
 * What the broker measures itself, beyond the engine's and the network layer's counters: request
 * phases per API, traffic per topic, and the engine's log flush times (fed through
 * {@link io.fjord.log.EngineMetrics#flushTimeListener}). One per broker; exported by
 * {@link PrometheusMetrics} and {@link KafkaJmx}.
 *
 * <p>Thread-safe.
 */
public final class BrokerMetrics {
    private final RequestMetrics requests = new RequestMetrics();
    private final TopicTraffic topics = new TopicTraffic();
    private final LatencyHistogram flushTime = new LatencyHistogram();

    public RequestMetrics requests() {
        return requests;
    }

    public TopicTraffic topics() {
        return topics;
    }

    /** Log flushes (fsync of a partition's new data), in microseconds: Kafka's LogFlushRateAndTimeMs. */
    public LatencyHistogram flushTime() {
        return flushTime;
    }
}
