package io.fjord.log.group;

/**
 * Outcomes of group-coordinator operations. Names are Kafka's error names; the protocol adapter
 * maps them to Kafka's numeric codes. Expected outcomes are results, never exceptions.
 */
public enum GroupError {
    NONE,
    UNKNOWN_MEMBER_ID,
    ILLEGAL_GENERATION,
    REBALANCE_IN_PROGRESS,
    MEMBER_ID_REQUIRED,
    INCONSISTENT_GROUP_PROTOCOL,
    INVALID_SESSION_TIMEOUT,
    INVALID_GROUP_ID,
    GROUP_ID_NOT_FOUND,
    NON_EMPTY_GROUP,
    GROUP_MAX_SIZE_REACHED,
    FENCED_INSTANCE_ID,
    UNKNOWN_TOPIC_OR_PARTITION,
    OFFSET_METADATA_TOO_LARGE,
    COORDINATOR_NOT_AVAILABLE,
    GROUP_SUBSCRIBED_TO_TOPIC,
    UNKNOWN_SERVER_ERROR,
    /** The __consumer_offsets append failed on the disk (Kafka's mapping of KAFKA_STORAGE_ERROR). */
    NOT_COORDINATOR,
    /** The coordinator's state is still being replayed; retry. */
    COORDINATOR_LOAD_IN_PROGRESS,
    /** The __consumer_offsets writer had no room (or the append timed out); retry. */
    REQUEST_TIMED_OUT,
    /** The commit's record is larger than the offsets topic takes (Kafka's mapping of MESSAGE_TOO_LARGE). */
    INVALID_COMMIT_OFFSET_SIZE
}
