package io.fjord.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fjord.log.LogEngine;
import io.fjord.log.group.CommittedOffset;
import io.fjord.log.group.GroupError;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidGroupIdException;

/**
 * Commits and fetches a group's offsets through the engine's shared group coordinator, so a
 * broker-side consumer of the same group sees them. The coordinator's commit is durable on
 * return (it appends to {@code __consumer_offsets}). Thread-safe (stateless over the coordinator).
 */
final class OffsetStore {
    private final LogEngine engine;
    private final String groupId;

    OffsetStore(LogEngine engine, String groupId) {
        this.engine = engine;
        this.groupId = groupId;
    }

    String groupId() {
        return groupId;
    }

    /**
     * Commits {@code offsets} as generation {@code generationId} (-1 with member "" for a simple
     * commit by an assign() consumer).
     *
     * @throws KafkaException the first partition's error, mapped as KafkaConsumer maps it
     */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, int generationId, String memberId,
                String groupInstanceId) {
        requireGroup("commit offsets");
        if (offsets.isEmpty()) {
            return;
        }
        Map<io.fjord.log.TopicPartition, CommittedOffset> request = new LinkedHashMap<>();
        offsets.forEach((tp, om) -> request.put(toEngine(tp), new CommittedOffset(om.offset(),
                om.leaderEpoch().orElse(-1), om.metadata(), -1)));
        Map<io.fjord.log.TopicPartition, GroupError> results = engine.groupCoordinator()
                .commitOffsets(groupId, generationId, memberId, groupInstanceId, request);
        for (GroupError error : results.values()) {
            if (error != GroupError.NONE) {
                throw GroupErrors.forCommit(error, groupId);
            }
        }
    }

    /** Committed offsets; a partition without one maps to null, as in KafkaConsumer.committed. */
    Map<TopicPartition, OffsetAndMetadata> fetch(Set<TopicPartition> partitions) {
        requireGroup("fetch committed offsets");
        List<io.fjord.log.TopicPartition> request = new ArrayList<>(partitions.size());
        partitions.forEach(tp -> request.add(toEngine(tp)));
        Map<io.fjord.log.TopicPartition, CommittedOffset> found = engine.groupCoordinator()
                .fetchOffsets(groupId, request);
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
            CommittedOffset c = found.get(toEngine(tp));
            result.put(tp, c == null || c.offset() < 0 ? null : new OffsetAndMetadata(c.offset(),
                    c.leaderEpoch() < 0 ? java.util.Optional.empty() : java.util.Optional.of(c.leaderEpoch()),
                    c.metadata() == null ? "" : c.metadata()));
        }
        return result;
    }

    boolean hasGroup() {
        return groupId != null;
    }

    private void requireGroup(String what) {
        if (groupId == null) {
            throw new InvalidGroupIdException("To use the group management or offset commit APIs, you must "
                    + "provide a valid group.id in the consumer configuration (needed to " + what + ").");
        }
    }

    static io.fjord.log.TopicPartition toEngine(TopicPartition tp) {
        return new io.fjord.log.TopicPartition(tp.topic(), tp.partition());
    }
}
