package io.fjord.protocol.broker;

import io.fjord.log.TopicPartition;
import io.fjord.log.group.CommittedOffset;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OffsetFetch: one group (v0-7) or several (v8+); a null topic list asks for every partition the
 * group has committed. A partition without a commit answers offset -1, as in Kafka.
 */
final class OffsetFetchHandler implements ApiHandler {
    private static final short FIRST_MULTI_GROUP_VERSION = 8;

    private final BrokerState state;

    OffsetFetchHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        OffsetFetchRequest request = (OffsetFetchRequest) message;
        short version = exchange.version();
        OffsetFetchResponse response = new OffsetFetchResponse();
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            exchange.respond(unavailable(request, version, GroupErrors.code(state.groupsUnavailable())));
            return;
        }
        if (version < FIRST_MULTI_GROUP_VERSION) {
            List<TopicPartition> wanted = null;
            if (request.topics() != null) {
                wanted = new ArrayList<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopic topic : request.topics()) {
                    for (int partition : topic.partitionIndexes()) {
                        wanted.add(new TopicPartition(topic.name(), partition));
                    }
                }
            }
            for (Map.Entry<String, List<Map.Entry<TopicPartition, CommittedOffset>>> topic : fetch(request.groupId(),
                    wanted, groups).entrySet()) {
                OffsetFetchResponse.OffsetFetchResponseTopic topicResponse =
                        new OffsetFetchResponse.OffsetFetchResponseTopic().setName(topic.getKey());
                for (Map.Entry<TopicPartition, CommittedOffset> entry : topic.getValue()) {
                    CommittedOffset offset = entry.getValue();
                    OffsetFetchResponse.OffsetFetchResponsePartition partition =
                            new OffsetFetchResponse.OffsetFetchResponsePartition()
                                    .setPartitionIndex(entry.getKey().partition())
                                    .setCommittedOffset(offset == null ? -1 : offset.offset())
                                    .setMetadata(offset == null || offset.metadata() == null ? "" : offset.metadata());
                    if (version >= 5) {
                        partition.setCommittedLeaderEpoch(offset == null ? -1 : offset.leaderEpoch());
                    }
                    topicResponse.partitions().add(partition);
                }
                response.topics().add(topicResponse);
            }
            exchange.respond(response);
            return;
        }
        for (OffsetFetchRequest.OffsetFetchRequestGroup group : request.groups()) {
            List<TopicPartition> wanted = null;
            if (group.topics() != null) {
                wanted = new ArrayList<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopics topic : group.topics()) {
                    for (int partition : topic.partitionIndexes()) {
                        wanted.add(new TopicPartition(topic.name(), partition));
                    }
                }
            }
            OffsetFetchResponse.OffsetFetchResponseGroup groupResponse =
                    new OffsetFetchResponse.OffsetFetchResponseGroup().setGroupId(group.groupId());
            for (Map.Entry<String, List<Map.Entry<TopicPartition, CommittedOffset>>> topic : fetch(group.groupId(),
                    wanted, groups).entrySet()) {
                OffsetFetchResponse.OffsetFetchResponseTopics topicResponse =
                        new OffsetFetchResponse.OffsetFetchResponseTopics().setName(topic.getKey());
                for (Map.Entry<TopicPartition, CommittedOffset> entry : topic.getValue()) {
                    CommittedOffset offset = entry.getValue();
                    topicResponse.partitions().add(new OffsetFetchResponse.OffsetFetchResponsePartitions()
                            .setPartitionIndex(entry.getKey().partition())
                            .setCommittedOffset(offset == null ? -1 : offset.offset())
                            .setCommittedLeaderEpoch(offset == null ? -1 : offset.leaderEpoch())
                            .setMetadata(offset == null || offset.metadata() == null ? "" : offset.metadata()));
                }
                groupResponse.topics().add(topicResponse);
            }
            response.groups().add(groupResponse);
        }
        exchange.respond(response);
    }

    /**
     * The answer while the coordinator loads: Kafka's error per group (v8+), at the top (v2+) and, for
     * v0 and v1, which have no top-level error, on each requested partition.
     */
    private static OffsetFetchResponse unavailable(OffsetFetchRequest request, short version, short error) {
        OffsetFetchResponse response = new OffsetFetchResponse();
        if (version >= FIRST_MULTI_GROUP_VERSION) {
            for (OffsetFetchRequest.OffsetFetchRequestGroup group : request.groups()) {
                response.groups().add(new OffsetFetchResponse.OffsetFetchResponseGroup().setGroupId(group.groupId())
                        .setErrorCode(error));
            }
            return response;
        }
        response.setErrorCode(error);
        if (request.topics() != null) {
            for (OffsetFetchRequest.OffsetFetchRequestTopic topic : request.topics()) {
                OffsetFetchResponse.OffsetFetchResponseTopic topicResponse =
                        new OffsetFetchResponse.OffsetFetchResponseTopic().setName(topic.name());
                for (int partition : topic.partitionIndexes()) {
                    topicResponse.partitions().add(new OffsetFetchResponse.OffsetFetchResponsePartition()
                            .setPartitionIndex(partition).setCommittedOffset(-1).setMetadata("").setErrorCode(error));
                }
                response.topics().add(topicResponse);
            }
        }
        return response;
    }

    /** The requested (or all committed) partitions by topic, each with its commit or null. */
    private static Map<String, List<Map.Entry<TopicPartition, CommittedOffset>>> fetch(String groupId,
            List<TopicPartition> wanted, GroupCoordinator groups) {
        Map<TopicPartition, CommittedOffset> committed = groups.fetchOffsets(groupId, wanted);
        Map<String, List<Map.Entry<TopicPartition, CommittedOffset>>> byTopic = new TreeMap<>();
        Iterable<TopicPartition> partitions = wanted != null ? wanted : new java.util.TreeSet<>(committed.keySet());
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), key -> new ArrayList<>())
                    .add(new java.util.AbstractMap.SimpleImmutableEntry<>(tp, committed.get(tp)));
        }
        return byTopic;
    }
}
