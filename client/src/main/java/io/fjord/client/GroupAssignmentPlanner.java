package io.fjord.client;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fjord.log.group.JoinMember;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.Utils;

/**
 * The group leader's job: decode every member's subscription (Kafka's ConsumerProtocol bytes, so
 * a KafkaConsumer over the wire and an embedded consumer can share a group), run Kafka's assignor
 * over the engine's topics, and encode each member's assignment. Stateless, thread-safe.
 */
final class GroupAssignmentPlanner {
    private final TopicResolver topics;

    GroupAssignmentPlanner(TopicResolver topics) {
        this.topics = topics;
    }

    Map<String, byte[]> assign(ConsumerPartitionAssignor assignor, List<JoinMember> members) {
        Map<String, Subscription> subscriptions = new HashMap<>();
        Set<String> subscribedTopics = new HashSet<>();
        for (JoinMember member : members) {
            Subscription subscription = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(member.metadata()));
            subscription.setGroupInstanceId(java.util.Optional.ofNullable(member.groupInstanceId()));
            subscriptions.put(member.memberId(), subscription);
            subscribedTopics.addAll(subscription.topics());
        }
        GroupAssignment plan = assignor.assign(cluster(subscribedTopics), new GroupSubscription(subscriptions));
        Map<String, byte[]> encoded = new HashMap<>();
        for (String memberId : subscriptions.keySet()) {
            Assignment assignment = plan.groupAssignment().getOrDefault(memberId, new Assignment(List.of()));
            encoded.put(memberId, Utils.toArray(ConsumerProtocol.serializeAssignment(assignment)));
        }
        return encoded;
    }

    /** Topics that do not exist are left out, so assignors skip them, as with broker metadata. */
    private Cluster cluster(Set<String> subscribedTopics) {
        List<PartitionInfo> partitions = new ArrayList<>();
        for (String topic : subscribedTopics) {
            int count = topics.existingPartitionCount(topic);
            if (count > 0) {
                partitions.addAll(TopicResolver.partitionInfos(topic, count));
            }
        }
        return new Cluster("fjord-embedded", List.of(TopicResolver.LOCAL_NODE), partitions, Set.of(), Set.of());
    }
}
