package io.fjord.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * The partitions a consumer currently owns, with their {@link PartitionState}, in assignment
 * order (fetches rotate over them for fairness). Not thread-safe: owned by the polling thread.
 */
final class Assignment {
    private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();
    private int nextFetchIndex;

    /** Replaces the assignment; partitions kept keep their position and pause state, as in Kafka. */
    void set(Collection<TopicPartition> assigned) {
        Set<TopicPartition> wanted = new LinkedHashSet<>(assigned);
        partitions.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                e.getValue().closeReader();
                return true;
            }
            return false;
        });
        for (TopicPartition tp : wanted) {
            partitions.computeIfAbsent(tp, t -> new PartitionState());
        }
    }

    void clear() {
        set(List.of());
    }

    Set<TopicPartition> partitions() {
        return partitions.keySet();
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    boolean contains(TopicPartition tp) {
        return partitions.containsKey(tp);
    }

    /** @throws IllegalStateException for a partition not assigned, with Kafka's wording */
    PartitionState state(TopicPartition tp) {
        PartitionState state = partitions.get(tp);
        if (state == null) {
            throw new IllegalStateException("No current assignment for partition " + tp);
        }
        return state;
    }

    /** Unpaused partitions, starting one further along each call so none is starved by max.poll.records. */
    List<TopicPartition> fetchOrder() {
        List<TopicPartition> all = new ArrayList<>(partitions.keySet());
        List<TopicPartition> order = new ArrayList<>(all.size());
        if (all.isEmpty()) {
            return order;
        }
        int start = Math.floorMod(nextFetchIndex++, all.size());
        for (int i = 0; i < all.size(); i++) {
            TopicPartition tp = all.get((start + i) % all.size());
            if (!partitions.get(tp).paused) {
                order.add(tp);
            }
        }
        return order;
    }

    /** Positions of partitions that have one: what {@code commitSync()} commits. */
    Map<TopicPartition, Long> positions() {
        Map<TopicPartition, Long> result = new LinkedHashMap<>();
        partitions.forEach((tp, s) -> {
            if (s.position != null) {
                result.put(tp, s.position);
            }
        });
        return result;
    }
}
