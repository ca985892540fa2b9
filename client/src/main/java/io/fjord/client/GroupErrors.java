package io.fjord.client;

import io.fjord.log.group.GroupError;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidCommitOffsetSizeException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Maps the coordinator's {@link GroupError} results to the exceptions KafkaConsumer throws for them. */
final class GroupErrors {
    private GroupErrors() {
    }

    /** For a commit: generation problems are Kafka's CommitFailedException, as ConsumerCoordinator does. */
    static KafkaException forCommit(GroupError error, String groupId) {
        return switch (error) {
            case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION -> new CommitFailedException(
                    "Commit cannot be completed since the group " + groupId + " has already rebalanced and assigned"
                            + " the partitions to another member (" + error + ").");
            case REBALANCE_IN_PROGRESS -> new RebalanceInProgressException(
                    "Offset commit cannot be completed since the consumer is undergoing a rebalance");
            default -> forGroup(error, groupId);
        };
    }

    static KafkaException forGroup(GroupError error, String groupId) {
        return switch (error) {
            case INVALID_GROUP_ID -> new InvalidGroupIdException("Invalid group id " + groupId);
            case INVALID_SESSION_TIMEOUT -> new InvalidSessionTimeoutException(
                    "session.timeout.ms is outside the coordinator's allowed range");
            case INCONSISTENT_GROUP_PROTOCOL -> new InconsistentGroupProtocolException(
                    "Group " + groupId + " members use incompatible protocols");
            case GROUP_MAX_SIZE_REACHED -> new GroupMaxSizeReachedException("Group " + groupId + " is full");
            case FENCED_INSTANCE_ID -> new FencedInstanceIdException("group.instance.id fenced in group " + groupId);
            case UNKNOWN_TOPIC_OR_PARTITION -> new UnknownTopicOrPartitionException("Unknown topic or partition");
            case OFFSET_METADATA_TOO_LARGE -> new OffsetMetadataTooLarge("Offset metadata too large");
            case COORDINATOR_NOT_AVAILABLE -> new CoordinatorNotAvailableException(
                    "The engine's group coordinator is not available (engine closing?)");
            case REBALANCE_IN_PROGRESS -> new RebalanceInProgressException("Group " + groupId + " is rebalancing");
            // Failed __consumer_offsets appends, as the coordinator maps them (Kafka's mapping of storage errors).
            case NOT_COORDINATOR -> new NotCoordinatorException(
                    "Writing group " + groupId + "'s records to __consumer_offsets failed on the disk");
            case REQUEST_TIMED_OUT -> new TimeoutException(
                    "__consumer_offsets' writer had no room for group " + groupId + " within the append timeout");
            case INVALID_COMMIT_OFFSET_SIZE -> new InvalidCommitOffsetSizeException(
                    "The commit of group " + groupId + " is larger than __consumer_offsets takes");
            case COORDINATOR_LOAD_IN_PROGRESS -> new CoordinatorLoadInProgressException(
                    "The group coordinator is loading");
            default -> new KafkaException("Group " + groupId + ": " + error);
        };
    }
}
