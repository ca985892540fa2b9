package io.fjord.log.group;

/**
 * Limits and timings of the group coordinator. Every limit has a default and a named error when
 * exceeded; nothing here is unbounded. Immutable; build from {@link #defaults()} with the withers.
 *
 * @param maxMembersPerGroup              Kafka's {@code group.max.size}; more members get GROUP_MAX_SIZE_REACHED
 * @param minSessionTimeoutMs             Kafka's {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs             Kafka's {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs         Kafka's {@code group.initial.rebalance.delay.ms}
 * @param maxMetadataBytes                Kafka's {@code offset.metadata.max.bytes} (characters of the commit metadata)
 * @param maxProtocolMetadataBytes        per member: each protocol's subscription metadata and its assignment
 * @param offsetsRetentionMs              Kafka's {@code offsets.retention.minutes}, in ms
 * @param offsetsRetentionCheckIntervalMs Kafka's {@code offsets.retention.check.interval.ms}
 * @param offsetsTopicPartitions          Kafka's {@code offsets.topic.num.partitions} (used when the topic is created)
 * @param offsetsTopicSegmentBytes        {@code segment.bytes} of the internal topic (compacted): small, so superseded
 *                                        commits leave the active segment and reach the cleaner soon
 * @param offsetsTopicMaxMessageBytes     {@code max.message.bytes} of the internal topic: bounds one group-metadata record
 * @param maxGroups                       groups held in memory; a new group beyond it gets COORDINATOR_NOT_AVAILABLE
 * @param maxProtocolsPerMember           protocols in one JoinGroup; more get INCONSISTENT_GROUP_PROTOCOL
 */
public record GroupConfig(int maxMembersPerGroup, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                          int initialRebalanceDelayMs, int maxMetadataBytes, int maxProtocolMetadataBytes,
                          long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs, int offsetsTopicPartitions,
                          int offsetsTopicSegmentBytes, int offsetsTopicMaxMessageBytes, int maxGroups,
                          int maxProtocolsPerMember) {

    public static final int DEFAULT_MAX_MEMBERS_PER_GROUP = 1000;
    public static final int DEFAULT_MIN_SESSION_TIMEOUT_MS = 6_000;
    public static final int DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;
    public static final int DEFAULT_INITIAL_REBALANCE_DELAY_MS = 3_000;
    public static final int DEFAULT_MAX_METADATA_BYTES = 4096;
    /** 1 MiB: the default max.message.bytes, so one member's subscription fits in a record. */
    public static final int DEFAULT_MAX_PROTOCOL_METADATA_BYTES = 1024 * 1024;
    public static final long DEFAULT_OFFSETS_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS = 600_000;
    public static final int DEFAULT_OFFSETS_TOPIC_PARTITIONS = 8;
    /**
     * 8 MiB (Kafka uses 100 MiB): the cleaner never touches the active segment, so this is about
     * how much superseded history stays uncompacted; ~100k commits of ~80 bytes per segment.
     */
    public static final int DEFAULT_OFFSETS_TOPIC_SEGMENT_BYTES = 8 * 1024 * 1024;
    /** 4 MiB: group metadata with many members is one record. Must not exceed the segment size. */
    public static final int DEFAULT_OFFSETS_TOPIC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_GROUPS = 100_000;
    /** Kafka clients send one to three (range, roundrobin, cooperative-sticky, ...). */
    public static final int DEFAULT_MAX_PROTOCOLS_PER_MEMBER = 32;

    public GroupConfig {
        positive("maxMembersPerGroup", maxMembersPerGroup);
        positive("minSessionTimeoutMs", minSessionTimeoutMs);
        if (maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new IllegalArgumentException("maxSessionTimeoutMs " + maxSessionTimeoutMs
                    + " < minSessionTimeoutMs " + minSessionTimeoutMs);
        }
        if (initialRebalanceDelayMs < 0) {
            throw new IllegalArgumentException("initialRebalanceDelayMs must be >= 0: " + initialRebalanceDelayMs);
        }
        positive("maxMetadataBytes", maxMetadataBytes);
        positive("maxProtocolMetadataBytes", maxProtocolMetadataBytes);
        positive("offsetsRetentionMs", offsetsRetentionMs);
        positive("offsetsRetentionCheckIntervalMs", offsetsRetentionCheckIntervalMs);
        positive("offsetsTopicPartitions", offsetsTopicPartitions);
        positive("offsetsTopicSegmentBytes", offsetsTopicSegmentBytes);
        positive("offsetsTopicMaxMessageBytes", offsetsTopicMaxMessageBytes);
        positive("maxGroups", maxGroups);
        positive("maxProtocolsPerMember", maxProtocolsPerMember);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }

    public static GroupConfig defaults() {
        return new GroupConfig(DEFAULT_MAX_MEMBERS_PER_GROUP, DEFAULT_MIN_SESSION_TIMEOUT_MS,
                DEFAULT_MAX_SESSION_TIMEOUT_MS, DEFAULT_INITIAL_REBALANCE_DELAY_MS, DEFAULT_MAX_METADATA_BYTES,
                DEFAULT_MAX_PROTOCOL_METADATA_BYTES, DEFAULT_OFFSETS_RETENTION_MS,
                DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS, DEFAULT_OFFSETS_TOPIC_PARTITIONS,
                DEFAULT_OFFSETS_TOPIC_SEGMENT_BYTES, DEFAULT_OFFSETS_TOPIC_MAX_MESSAGE_BYTES, DEFAULT_MAX_GROUPS,
                DEFAULT_MAX_PROTOCOLS_PER_MEMBER);
    }

    public GroupConfig withMaxMembersPerGroup(int v) {
        return new GroupConfig(v, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs, maxMetadataBytes,
                maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetsTopicPartitions,
                offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withMinSessionTimeoutMs(int v) {
        return new GroupConfig(maxMembersPerGroup, v, maxSessionTimeoutMs, initialRebalanceDelayMs, maxMetadataBytes,
                maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetsTopicPartitions,
                offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withMaxSessionTimeoutMs(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, v, initialRebalanceDelayMs, maxMetadataBytes,
                maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetsTopicPartitions,
                offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withInitialRebalanceDelayMs(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, v, maxMetadataBytes,
                maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetsTopicPartitions,
                offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withMaxMetadataBytes(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                v, maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs,
                offsetsTopicPartitions, offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups,
                maxProtocolsPerMember);
    }

    public GroupConfig withMaxProtocolMetadataBytes(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, v, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetsTopicPartitions,
                offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withOffsetsRetentionMs(long v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, maxProtocolMetadataBytes, v, offsetsRetentionCheckIntervalMs,
                offsetsTopicPartitions, offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups,
                maxProtocolsPerMember);
    }

    public GroupConfig withOffsetsRetentionCheckIntervalMs(long v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, maxProtocolMetadataBytes, offsetsRetentionMs, v, offsetsTopicPartitions,
                offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withOffsetsTopicPartitions(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, v,
                offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withOffsetsTopicSegmentBytes(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs,
                offsetsTopicPartitions, v, offsetsTopicMaxMessageBytes, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withOffsetsTopicMaxMessageBytes(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs,
                offsetsTopicPartitions, offsetsTopicSegmentBytes, v, maxGroups, maxProtocolsPerMember);
    }

    public GroupConfig withMaxGroups(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs,
                offsetsTopicPartitions, offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, v,
                maxProtocolsPerMember);
    }

    public GroupConfig withMaxProtocolsPerMember(int v) {
        return new GroupConfig(maxMembersPerGroup, minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxMetadataBytes, maxProtocolMetadataBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs,
                offsetsTopicPartitions, offsetsTopicSegmentBytes, offsetsTopicMaxMessageBytes, maxGroups, v);
    }
}
