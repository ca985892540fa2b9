package io.fjord.protocol.broker;

import io.fjord.log.TopicPartition;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupError;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetDeleteResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** OffsetDelete: removes a group's commits for partitions it no longer consumes. */
final class OffsetDeleteHandler implements ApiHandler {
    private final BrokerState state;

    OffsetDeleteHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        OffsetDeleteRequest request = (OffsetDeleteRequest) message;
        List<TopicPartition> partitions = new ArrayList<>();
        for (OffsetDeleteRequest.OffsetDeleteRequestTopic topic : request.topics()) {
            for (OffsetDeleteRequest.OffsetDeleteRequestPartition partition : topic.partitions()) {
                partitions.add(new TopicPartition(topic.name(), Math.max(0, partition.partitionIndex())));
            }
        }
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            exchange.respond(new OffsetDeleteResponse().setErrorCode(GroupErrors.code(state.groupsUnavailable())));
            return;
        }
        if (groups.describeGroup(request.groupId()).state().equals("Dead")) {
            exchange.respond(new OffsetDeleteResponse().setErrorCode(GroupErrors.code(GroupError.GROUP_ID_NOT_FOUND)));
            return;
        }
        // Answered once the tombstones are in the log: on a writer thread, or at once.
        groups.deleteOffsets(request.groupId(), partitions, errors -> respond(exchange, request, errors));
    }

    private static void respond(Exchange exchange, OffsetDeleteRequest request, Map<TopicPartition, GroupError> errors) {
        OffsetDeleteResponse response = new OffsetDeleteResponse();
        for (OffsetDeleteRequest.OffsetDeleteRequestTopic topic : request.topics()) {
            OffsetDeleteResponse.OffsetDeleteResponseTopic topicResponse =
                    new OffsetDeleteResponse.OffsetDeleteResponseTopic().setName(topic.name());
            for (OffsetDeleteRequest.OffsetDeleteRequestPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), Math.max(0, partition.partitionIndex()));
                topicResponse.partitions().add(new OffsetDeleteResponse.OffsetDeleteResponsePartition()
                        .setPartitionIndex(partition.partitionIndex())
                        .setErrorCode(GroupErrors.code(errors.getOrDefault(tp, GroupError.NONE))));
            }
            response.topics().add(topicResponse);
        }
        exchange.respond(response);
    }
}
