package io.fjord.connect;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.Map;

/**
 * Where the worker's topics live: an embedded engine or a broker over the wire. The worker only
 * makes byte-array clients and the compacted offsets topic through this, so the rest of it does
 * not care which. Implementations are thread-safe.
 */
interface Cluster extends AutoCloseable {
    /** A byte-array producer with {@code config} on top of what this cluster needs. */
    Producer<byte[], byte[]> producer(Map<String, Object> config);

    /** A byte-array consumer with {@code config} on top of what this cluster needs. */
    Consumer<byte[], byte[]> consumer(Map<String, Object> config);

    /** Creates {@code topic} with {@code cleanup.policy=compact} unless it exists. */
    void ensureCompactedTopic(String topic, int partitions, long timeoutMs);

    /** A short description for log lines ("embedded engine on data", "broker 127.0.0.1:9092"). */
    String describe();

    @Override
    void close();
}
