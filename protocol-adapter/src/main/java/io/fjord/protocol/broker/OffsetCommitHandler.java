package io.fjord.protocol.broker;

import io.fjord.log.TopicPartition;
import io.fjord.log.group.CommittedOffset;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupError;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;

import java.util.HashMap;
import java.util.Map;

/**
 * OffsetCommit: from group members (generation and member checked) and from assign() consumers
 * (generation -1, no membership). Offsets of unknown topics or partitions are refused; the rest
 * are durable in {@code __consumer_offsets} before the response.
 */
final class OffsetCommitHandler implements ApiHandler {
    private static final int NO_GENERATION = -1;

    private final BrokerState state;

    OffsetCommitHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        OffsetCommitRequest request = (OffsetCommitRequest) message;
        short version = exchange.version();
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            respond(exchange, request, Map.of(), state.groupsUnavailable());
            return;
        }
        long nowMs = state.engine.config().clock().nowMs();
        Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
        Map<TopicPartition, GroupError> errors = new HashMap<>();
        for (OffsetCommitRequest.OffsetCommitRequestTopic topic : request.topics()) {
            int partitions = state.engine.topicExists(topic.name()) ? state.engine.partitionCount(topic.name()) : 0;
            for (OffsetCommitRequest.OffsetCommitRequestPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), Math.max(0, partition.partitionIndex()));
                if (partition.partitionIndex() < 0 || partition.partitionIndex() >= partitions) {
                    errors.put(tp, GroupError.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    offsets.put(tp, new CommittedOffset(partition.committedOffset(),
                            version >= 6 ? partition.committedLeaderEpoch() : -1, partition.committedMetadata(), nowMs));
                }
            }
        }
        if (offsets.isEmpty()) {
            respond(exchange, request, errors, GroupError.NONE);
            return;
        }
        // Answered when the commit is in __consumer_offsets: on a writer thread (or at once, refused).
        groups.commitOffsets(request.groupId(), version >= 1 ? request.generationIdOrMemberEpoch() : NO_GENERATION,
                request.memberId(), version >= 7 ? request.groupInstanceId() : null, offsets, results -> {
                    Map<TopicPartition, GroupError> all = new HashMap<>(errors);
                    all.putAll(results);
                    respond(exchange, request, all, GroupError.NONE);
                });
    }

    /** Partitions absent from {@code errors} get {@code otherwise}. */
    private static void respond(Exchange exchange, OffsetCommitRequest request, Map<TopicPartition, GroupError> errors,
                                GroupError otherwise) {
        OffsetCommitResponse response = new OffsetCommitResponse();
        for (OffsetCommitRequest.OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponse.OffsetCommitResponseTopic topicResponse =
                    new OffsetCommitResponse.OffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            for (OffsetCommitRequest.OffsetCommitRequestPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), Math.max(0, partition.partitionIndex()));
                topicResponse.partitions().add(new OffsetCommitResponse.OffsetCommitResponsePartition()
                        .setPartitionIndex(partition.partitionIndex())
                        .setErrorCode(GroupErrors.code(errors.getOrDefault(tp, otherwise))));
            }
        }
        exchange.respond(response);
    }
}
