package io.fjord.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.utils.Utils;

/**
 * Kafka's default partitioning, so a keyed record lands in the same partition whether it is sent
 * by a {@code KafkaProducer} over the wire or by the embedded producer: an explicit partition
 * wins; a key goes to {@code toPositive(murmur2(serializedKey)) % partitions} (Kafka's
 * {@code BuiltInPartitioner.partitionForKey}); no key goes round robin per topic. (Kafka sticks
 * to one partition per batch for unkeyed records; with no batches to fill here round robin spreads
 * the same way without the batch bookkeeping.)
 *
 * <p>Thread-safe.
 */
final class RecordPartitioner {
    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    int partition(String topic, Integer explicitPartition, byte[] serializedKey, int partitions) {
        if (explicitPartition != null) {
            if (explicitPartition < 0 || explicitPartition >= partitions) {
                throw new IllegalArgumentException("Invalid partition given with record: " + explicitPartition
                        + " is not in the range [0..." + partitions + "].");
            }
            return explicitPartition;
        }
        if (serializedKey != null) {
            return Utils.toPositive(Utils.murmur2(serializedKey)) % partitions;
        }
        int next = roundRobin.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement();
        return Utils.toPositive(next) % partitions;
    }
}
