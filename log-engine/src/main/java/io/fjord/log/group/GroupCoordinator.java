package io.fjord.log.group;

import io.fjord.log.EngineClosedException;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicPartition;
import io.fjord.log.io.MillisClock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Fjord's consumer-group coordinator for Kafka's classic group protocol (JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit/Fetch/Delete, List/Describe/DeleteGroups), shared by the
 * network broker and the embedded client.
 *
 * <h2>State and durability</h2>
 * Groups live in memory ({@link ClassicGroup}). Offset commits and group metadata (per completed
 * generation: protocol, generation, leader, members with subscription and assignment) are appended
 * to the internal topic {@code __consumer_offsets} (layout: {@link OffsetsTopicDescriptor}) before
 * the caller is answered, and replayed by {@link #start}, so they survive restarts and kill -9.
 * Members restored from the log get a fresh session: if their clients are gone they expire.
 * The topic is compacted ({@code cleanup.policy=compact}), which keeps it bounded by the live
 * keys ({@link OffsetsLog} explains why replay of the compacted log gives the same state).
 *
 * <h2>Threading</h2>
 * Thread-safe. Every call locks only its group ({@code synchronized} on the group object), so
 * groups never wait on each other; client callbacks run after the lock is released, on the
 * calling thread or the timer thread. Timers (session expiry, join deadlines, offsets retention)
 * run on one {@link GroupTimer} thread; all time decisions read the engine's clock.
 *
 * <h2>Limits</h2>
 * Every limit is a {@link GroupConfig} field and exceeding it yields an error result, never an
 * exception: members per group, groups, protocols and metadata size per member, commit metadata
 * size. Offsets per group are bounded by the engine's partitions, since commits to unknown
 * partitions are refused.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCoordinator.class.getName());
    /** Kafka's protocol type of consumer groups, whose subscriptions OffsetDelete reads. */
    static final String CONSUMER_PROTOCOL_TYPE = "consumer";
    /** Attempts to find a live group when a concurrent delete removes it under us. */
    private static final int GROUP_LOOKUP_ATTEMPTS = 3;

    private final LogEngine engine;
    private final GroupConfig config;
    private final MillisClock clock;
    private final GroupTimer timer;
    private final boolean ownsTimer;
    private final OffsetsLog offsetsLog;
    private final GroupMembership membership;
    private final ConcurrentHashMap<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile GroupTimer.Cancellable retentionTask;

    private GroupCoordinator(LogEngine engine, GroupConfig config, GroupTimer timer, boolean ownsTimer) {
        this.engine = engine;
        this.config = config;
        this.clock = engine.config().clock();
        this.timer = timer;
        this.ownsTimer = ownsTimer;
        this.offsetsLog = OffsetsLog.open(engine, config);
        this.membership = new GroupMembership(config, clock, timer, this::storeGroup, () -> closed);
    }

    /** Starts a coordinator with its own timer thread. */
    public static GroupCoordinator start(LogEngine engine, GroupConfig config) {
        return start(engine, config, new ExecutorGroupTimer(), true);
    }

    /** Starts a coordinator on the given timer (e.g. a {@link ManualTimer} in tests); the caller closes it. */
    public static GroupCoordinator start(LogEngine engine, GroupConfig config, GroupTimer timer) {
        return start(engine, config, timer, false);
    }

    private static GroupCoordinator start(LogEngine engine, GroupConfig config, GroupTimer timer, boolean ownsTimer) {
        GroupCoordinator coordinator = new GroupCoordinator(engine, config, timer, ownsTimer);
        try {
            coordinator.offsetsLog.replay(coordinator::replayRecord);
            coordinator.armRestoredSessions();
            coordinator.scheduleRetention();
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        return coordinator;
    }

    // ---------------------------------------------------------------- replay

    private void replayRecord(byte[] key, byte[] value) {
        try {
            OffsetsRecordCodec.Key decoded = OffsetsRecordCodec.decodeKey(key);
            if (decoded == null) {
                LOG.log(System.Logger.Level.WARNING, "Skipping a record with an unknown key type");
                return;
            }
            long nowMs = clock.nowMs();
            if (decoded.type() == OffsetsTopicDescriptor.KEY_TYPE_OFFSET_COMMIT) {
                if (value == null) {
                    ClassicGroup group = groups.get(decoded.groupId());
                    if (group != null) {
                        group.offsets.remove(decoded.topicPartition());
                    }
                    return;
                }
                CommittedOffset offset = OffsetsRecordCodec.decodeOffsetValue(value);
                if (offset != null) {
                    groups.computeIfAbsent(decoded.groupId(), id -> new ClassicGroup(id, nowMs))
                            .offsets.put(decoded.topicPartition(), offset);
                }
                return;
            }
            if (value == null) {
                ClassicGroup removed = groups.remove(decoded.groupId());
                if (removed != null && !removed.offsets.isEmpty()) {
                    // Metadata tombstones come after the group's offset tombstones; keep any later offsets.
                    ClassicGroup fresh = new ClassicGroup(removed.groupId, nowMs);
                    fresh.offsets.putAll(removed.offsets);
                    groups.put(fresh.groupId, fresh);
                }
                return;
            }
            StoredGroup stored = OffsetsRecordCodec.decodeGroupValue(value);
            if (stored != null) {
                restoreGroup(groups.computeIfAbsent(decoded.groupId(), id -> new ClassicGroup(id, nowMs)), stored,
                        nowMs);
            }
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Skipping a malformed record in " + OffsetsTopicDescriptor.TOPIC, e);
        }
    }

    /**
     * Restored members get a fresh session from now: if their clients are gone they expire and the
     * group rebalances. Armed once after replay, not per replayed record, so a long log does not
     * queue a timer per group-metadata record.
     */
    private void armRestoredSessions() {
        for (ClassicGroup group : groups.values()) {
            synchronized (group) {
                for (MemberMetadata member : group.members.values()) {
                    member.lastHeartbeatMs = clock.nowMs();
                    membership.scheduleExpiry(group, member, member.sessionTimeoutMs);
                }
            }
        }
    }

    private void restoreGroup(ClassicGroup group, StoredGroup stored, long nowMs) {
        synchronized (group) {
            group.cancelTimers();
            group.members.clear();
            group.staticMembers.clear();
            group.pendingMembers.clear();
            group.protocolType = stored.protocolType();
            group.protocolName = stored.protocolName();
            group.generationId = stored.generationId();
            group.leaderId = stored.leaderId();
            for (StoredMember m : stored.members()) {
                List<JoinProtocol> protocols = stored.protocolName() == null ? List.of()
                        : List.of(new JoinProtocol(stored.protocolName(),
                        m.subscription() == null ? new byte[0] : m.subscription()));
                MemberMetadata member = new MemberMetadata(m.memberId(), m.groupInstanceId(), m.clientId(),
                        m.clientHost(), m.sessionTimeoutMs(), m.rebalanceTimeoutMs(), protocols, nowMs);
                member.assignment = m.assignment() == null ? SyncResult.NO_ASSIGNMENT : m.assignment();
                group.members.put(member.memberId, member);
                if (member.groupInstanceId != null) {
                    group.staticMembers.put(member.groupInstanceId, member.memberId);
                }
            }
            group.transitionTo(group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE, nowMs);
        }
    }

    // ---------------------------------------------------------------- group lookup

    private static boolean invalidGroupId(String groupId) {
        return groupId == null || groupId.isEmpty();
    }

    /** The group, created Empty when absent; null when {@code maxGroups} would be exceeded. */
    private ClassicGroup getOrCreate(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group != null) {
            return group;
        }
        if (groups.size() >= config.maxGroups()) {
            return null;
        }
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, clock.nowMs()));
    }

    private void removeDeadGroup(ClassicGroup group) {
        assert Thread.holdsLock(group);
        group.cancelTimers();
        group.transitionTo(GroupState.DEAD, clock.nowMs());
        groups.remove(group.groupId, group);
    }

    // ---------------------------------------------------------------- membership API

    /** JoinGroup. {@code callback} runs once, when the join phase completes, on any thread. Never blocks. */
    public void joinGroup(JoinRequest request, Consumer<JoinResult> callback) {
        String memberId = request.memberId() == null ? "" : request.memberId();
        GroupError invalid = validateJoin(request);
        if (invalid != GroupError.NONE) {
            callback.accept(JoinResult.error(invalid, memberId));
            return;
        }
        int rebalanceTimeoutMs = request.rebalanceTimeoutMs() < 0 ? request.sessionTimeoutMs()
                : request.rebalanceTimeoutMs();
        List<Runnable> deferred = new ArrayList<>();
        GroupError error = GroupError.COORDINATOR_NOT_AVAILABLE;
        for (int attempt = 0; attempt < GROUP_LOOKUP_ATTEMPTS; attempt++) {
            ClassicGroup group = memberId.isEmpty() ? getOrCreate(request.groupId()) : groups.get(request.groupId());
            if (group == null) {
                error = memberId.isEmpty() ? GroupError.COORDINATOR_NOT_AVAILABLE : GroupError.UNKNOWN_MEMBER_ID;
                break;
            }
            synchronized (group) {
                if (group.state == GroupState.DEAD) {
                    continue; // deleted concurrently: look again (a new member recreates it)
                }
                membership.join(group, request, rebalanceTimeoutMs, callback, deferred);
                error = null;
            }
            break;
        }
        if (error != null) {
            callback.accept(JoinResult.error(error, memberId));
            return;
        }
        GroupMembership.runAll(deferred);
    }

    private GroupError validateJoin(JoinRequest request) {
        if (closed) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (invalidGroupId(request.groupId())) {
            return GroupError.INVALID_GROUP_ID;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return GroupError.INVALID_SESSION_TIMEOUT;
        }
        List<JoinProtocol> protocols = request.protocols();
        if (request.protocolType() == null || request.protocolType().isEmpty() || protocols == null
                || protocols.isEmpty() || protocols.size() > config.maxProtocolsPerMember()) {
            return GroupError.INCONSISTENT_GROUP_PROTOCOL;
        }
        for (JoinProtocol protocol : protocols) {
            // Kafka has no such limit (its request size bounds it); an oversized subscription is
            // refused as a protocol the group cannot take.
            if (protocol == null || protocol.name() == null || protocol.metadata() == null
                    || protocol.metadata().length > config.maxProtocolMetadataBytes()) {
                return GroupError.INCONSISTENT_GROUP_PROTOCOL;
            }
        }
        return GroupError.NONE;
    }

    /** SyncGroup. Followers' callbacks run when the leader's assignment is stored. Never blocks on other groups. */
    public void syncGroup(SyncRequest request, Consumer<SyncResult> callback) {
        if (closed) {
            callback.accept(SyncResult.error(GroupError.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (invalidGroupId(request.groupId())) {
            callback.accept(SyncResult.error(GroupError.INVALID_GROUP_ID));
            return;
        }
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            callback.accept(SyncResult.error(GroupError.UNKNOWN_MEMBER_ID));
            return;
        }
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            membership.sync(group, request, callback, deferred);
        }
        GroupMembership.runAll(deferred);
    }

    public GroupError heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        if (closed) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (invalidGroupId(groupId)) {
            return GroupError.INVALID_GROUP_ID;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        synchronized (group) {
            return membership.heartbeat(group, memberId, groupInstanceId, generationId);
        }
    }

    /** LeaveGroup: one result per member, in order. */
    public List<GroupError> leaveGroup(String groupId, List<LeaveMember> members) {
        List<GroupError> results = new ArrayList<>(members.size());
        GroupError groupError = closed ? GroupError.COORDINATOR_NOT_AVAILABLE
                : invalidGroupId(groupId) ? GroupError.INVALID_GROUP_ID : GroupError.NONE;
        ClassicGroup group = groupError == GroupError.NONE ? groups.get(groupId) : null;
        if (group == null) {
            GroupError error = groupError == GroupError.NONE ? GroupError.UNKNOWN_MEMBER_ID : groupError;
            members.forEach(m -> results.add(error));
            return results;
        }
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            for (LeaveMember member : members) {
                results.add(group.state == GroupState.DEAD ? GroupError.UNKNOWN_MEMBER_ID
                        : membership.leave(group, member, deferred));
            }
        }
        GroupMembership.runAll(deferred);
        return results;
    }

    // ---------------------------------------------------------------- admin API

    public List<GroupListing> listGroups(Set<String> statesFilter, Set<String> typesFilter) {
        List<GroupListing> listings = new ArrayList<>();
        for (ClassicGroup group : groups.values()) {
            String state;
            String type;
            synchronized (group) {
                if (group.state == GroupState.DEAD) {
                    continue;
                }
                state = group.state.kafkaName;
                type = group.protocolType == null ? "" : group.protocolType;
            }
            if (matches(statesFilter, state) && matches(typesFilter, type)) {
                listings.add(new GroupListing(group.groupId, type, state));
            }
        }
        return listings;
    }

    /** Kafka compares ListGroups filters case-insensitively. */
    private static boolean matches(Set<String> filter, String value) {
        if (filter == null || filter.isEmpty()) {
            return true;
        }
        for (String wanted : filter) {
            if (wanted.equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    /** DescribeGroups; an unknown group is described as Dead with no members (as Kafka does). */
    public GroupDescription describeGroup(String groupId) {
        if (closed) {
            return new GroupDescription(GroupError.COORDINATOR_NOT_AVAILABLE, groupId, "", "", "", List.of());
        }
        if (groupId == null) {
            return new GroupDescription(GroupError.INVALID_GROUP_ID, groupId, "", "", "", List.of());
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return new GroupDescription(GroupError.NONE, groupId, GroupState.DEAD.kafkaName, "", "", List.of());
        }
        synchronized (group) {
            // Kafka shows the protocol, metadata and assignments only once the group is Stable.
            boolean stable = group.state == GroupState.STABLE;
            List<MemberDescription> members = new ArrayList<>(group.size());
            for (MemberMetadata m : group.members.values()) {
                byte[] metadata = stable ? m.metadataFor(group.protocolName) : null;
                members.add(new MemberDescription(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                        metadata == null ? new byte[0] : metadata, stable ? m.assignment : new byte[0]));
            }
            return new GroupDescription(GroupError.NONE, groupId, group.state.kafkaName,
                    group.protocolType == null ? "" : group.protocolType,
                    stable && group.protocolName != null ? group.protocolName : "", members);
        }
    }

    /** DeleteGroups: only Empty groups; their offsets go too. */
    public Map<String, GroupError> deleteGroups(List<String> groupIds) {
        Map<String, GroupError> results = new LinkedHashMap<>();
        for (String groupId : groupIds) {
            results.put(groupId, deleteGroup(groupId));
        }
        return results;
    }

    private GroupError deleteGroup(String groupId) {
        if (closed) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (groupId == null) {
            return GroupError.INVALID_GROUP_ID;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return GroupError.GROUP_ID_NOT_FOUND;
        }
        synchronized (group) {
            if (group.state == GroupState.DEAD) {
                return GroupError.GROUP_ID_NOT_FOUND;
            }
            if (group.state != GroupState.EMPTY) {
                return GroupError.NON_EMPTY_GROUP;
            }
            List<OffsetsLog.Entry> tombstones = new ArrayList<>();
            for (TopicPartition tp : group.offsets.keySet()) {
                tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.offsetKey(groupId, tp), null));
            }
            tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.groupKey(groupId), null));
            GroupError error = append(groupId, tombstones);
            if (error != GroupError.NONE) {
                return error;
            }
            group.offsets.clear();
            removeDeadGroup(group);
            return GroupError.NONE;
        }
    }

    // ---------------------------------------------------------------- offsets API

    /**
     * OffsetCommit. Durable before it returns: the accepted offsets are appended to the internal
     * topic as one batch and acknowledged by the engine. {@code generationId} -1 is a simple commit
     * (an assign() consumer), accepted only while the group has no members, as in Kafka.
     */
    public Map<TopicPartition, GroupError> commitOffsets(String groupId, int generationId, String memberId,
                                                         String groupInstanceId,
                                                         Map<TopicPartition, CommittedOffset> offsets) {
        if (closed || engine.isClosed()) {
            return uniform(offsets.keySet(), GroupError.COORDINATOR_NOT_AVAILABLE);
        }
        if (groupId == null) {
            return uniform(offsets.keySet(), GroupError.INVALID_GROUP_ID);
        }
        for (int attempt = 0; attempt < GROUP_LOOKUP_ATTEMPTS; attempt++) {
            ClassicGroup group = groups.get(groupId);
            if (group == null) {
                if (generationId >= 0) {
                    // A member of a generation this coordinator never saw (or a deleted group).
                    return uniform(offsets.keySet(), GroupError.ILLEGAL_GENERATION);
                }
                group = getOrCreate(groupId);
                if (group == null) {
                    return uniform(offsets.keySet(), GroupError.COORDINATOR_NOT_AVAILABLE);
                }
            }
            synchronized (group) {
                if (group.state == GroupState.DEAD) {
                    continue;
                }
                GroupError error = commitCheck(group, generationId, memberId, groupInstanceId);
                if (error != GroupError.NONE) {
                    return uniform(offsets.keySet(), error);
                }
                MemberMetadata member = group.members.get(memberId);
                if (member != null) {
                    member.lastHeartbeatMs = clock.nowMs(); // a commit proves the member is alive
                }
                return doCommit(group, offsets);
            }
        }
        return uniform(offsets.keySet(), GroupError.COORDINATOR_NOT_AVAILABLE);
    }

    private static GroupError commitCheck(ClassicGroup group, int generationId, String memberId, String instanceId) {
        if (group.isStaticMemberFenced(memberId, instanceId)) {
            return GroupError.FENCED_INSTANCE_ID;
        }
        if (generationId < 0 && group.state == GroupState.EMPTY) {
            return GroupError.NONE;
        }
        if (!group.has(memberId)) {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        if (generationId != group.generationId) {
            return GroupError.ILLEGAL_GENERATION;
        }
        if (group.state == GroupState.COMPLETING_REBALANCE) {
            return GroupError.REBALANCE_IN_PROGRESS;
        }
        return GroupError.NONE;
    }

    private Map<TopicPartition, GroupError> doCommit(ClassicGroup group, Map<TopicPartition, CommittedOffset> offsets) {
        Map<TopicPartition, GroupError> results = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
        List<OffsetsLog.Entry> entries = new ArrayList<>();
        // Server time, not the client's: retention must not trust a client clock.
        long nowMs = clock.nowMs();
        for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            CommittedOffset requested = e.getValue();
            if (!partitionExists(tp)) {
                results.put(tp, GroupError.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (requested.metadata() != null && requested.metadata().length() > config.maxMetadataBytes()) {
                results.put(tp, GroupError.OFFSET_METADATA_TOO_LARGE);
            } else {
                CommittedOffset stored = new CommittedOffset(requested.offset(), requested.leaderEpoch(),
                        requested.metadata(), nowMs);
                accepted.put(tp, stored);
                entries.add(new OffsetsLog.Entry(OffsetsRecordCodec.offsetKey(group.groupId, tp),
                        OffsetsRecordCodec.offsetValue(stored)));
                results.put(tp, GroupError.NONE);
            }
        }
        GroupError error = append(group.groupId, entries);
        if (error != GroupError.NONE) {
            accepted.keySet().forEach(tp -> results.put(tp, error));
            return results;
        }
        group.offsets.putAll(accepted);
        return results;
    }

    private boolean partitionExists(TopicPartition tp) {
        try {
            return !tp.topic().equals(OffsetsTopicDescriptor.TOPIC) && engine.topicExists(tp.topic())
                    && tp.partition() < engine.partitionCount(tp.topic());
        } catch (RuntimeException e) {
            return false; // deleted concurrently
        }
    }

    /** OffsetFetch; {@code partitions} null means every partition the group committed. Missing ones are absent. */
    public Map<TopicPartition, CommittedOffset> fetchOffsets(String groupId, List<TopicPartition> partitions) {
        ClassicGroup group = groupId == null ? null : groups.get(groupId);
        if (group == null) {
            return Map.of();
        }
        synchronized (group) {
            if (partitions == null) {
                return new HashMap<>(group.offsets);
            }
            Map<TopicPartition, CommittedOffset> result = new HashMap<>();
            for (TopicPartition tp : partitions) {
                CommittedOffset offset = group.offsets.get(tp);
                if (offset != null) {
                    result.put(tp, offset);
                }
            }
            return result;
        }
    }

    /**
     * OffsetDelete. An Empty group loses the offsets; a non-empty "consumer" group keeps those of
     * topics its members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC; an unreadable subscription
     * counts as subscribed to everything); other non-empty groups refuse with NON_EMPTY_GROUP.
     */
    public Map<TopicPartition, GroupError> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        if (closed) {
            return uniform(partitions, GroupError.COORDINATOR_NOT_AVAILABLE);
        }
        if (invalidGroupId(groupId)) {
            return uniform(partitions, GroupError.INVALID_GROUP_ID);
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return uniform(partitions, GroupError.GROUP_ID_NOT_FOUND);
        }
        synchronized (group) {
            if (group.state == GroupState.DEAD) {
                return uniform(partitions, GroupError.GROUP_ID_NOT_FOUND);
            }
            Set<String> subscribed = null;
            if (group.state != GroupState.EMPTY) {
                if (!CONSUMER_PROTOCOL_TYPE.equals(group.protocolType)) {
                    return uniform(partitions, GroupError.NON_EMPTY_GROUP);
                }
                subscribed = group.subscribedTopics();
            }
            boolean everything = group.state != GroupState.EMPTY && subscribed == null;
            Map<TopicPartition, GroupError> results = new LinkedHashMap<>();
            List<OffsetsLog.Entry> tombstones = new ArrayList<>();
            List<TopicPartition> deleted = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (everything || (subscribed != null && subscribed.contains(tp.topic()))) {
                    results.put(tp, GroupError.GROUP_SUBSCRIBED_TO_TOPIC);
                    continue;
                }
                results.put(tp, GroupError.NONE);
                if (group.offsets.containsKey(tp)) {
                    tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.offsetKey(groupId, tp), null));
                    deleted.add(tp);
                }
            }
            GroupError error = append(groupId, tombstones);
            if (error != GroupError.NONE) {
                deleted.forEach(tp -> results.put(tp, error));
                return results;
            }
            deleted.forEach(group.offsets::remove);
            return results;
        }
    }

    // ---------------------------------------------------------------- retention

    private void scheduleRetention() {
        if (!closed) {
            retentionTask = timer.schedule(config.offsetsRetentionCheckIntervalMs(), () -> {
                try {
                    expireOffsets();
                } finally {
                    scheduleRetention();
                }
            });
        }
    }

    /**
     * Removes offsets of Empty groups committed more than {@code offsetsRetentionMs} ago, and
     * groups left with neither members nor offsets (they become Dead). Runs on the timer; public
     * so an operator or a test can run a pass now.
     */
    public void expireOffsets() {
        if (closed) {
            return;
        }
        long nowMs = clock.nowMs();
        for (ClassicGroup group : groups.values()) {
            synchronized (group) {
                if (group.state != GroupState.EMPTY) {
                    continue;
                }
                List<OffsetsLog.Entry> tombstones = new ArrayList<>();
                List<TopicPartition> expired = new ArrayList<>();
                for (Map.Entry<TopicPartition, CommittedOffset> e : group.offsets.entrySet()) {
                    if (nowMs - e.getValue().commitTimestampMs() >= config.offsetsRetentionMs()) {
                        expired.add(e.getKey());
                        tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.offsetKey(group.groupId, e.getKey()),
                                null));
                    }
                }
                boolean dead = expired.size() == group.offsets.size();
                if (dead) {
                    tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.groupKey(group.groupId), null));
                }
                if (append(group.groupId, tombstones) != GroupError.NONE) {
                    continue; // try again next pass
                }
                expired.forEach(group.offsets::remove);
                if (dead) {
                    removeDeadGroup(group);
                }
            }
        }
    }

    // ---------------------------------------------------------------- storage helpers

    private void storeGroup(ClassicGroup group) {
        offsetsLog.append(group.groupId, List.of(new OffsetsLog.Entry(OffsetsRecordCodec.groupKey(group.groupId),
                OffsetsRecordCodec.groupValue(group.toStored(clock.nowMs())))));
    }

    private GroupError append(String groupId, List<OffsetsLog.Entry> entries) {
        try {
            offsetsLog.append(groupId, entries);
            return GroupError.NONE;
        } catch (EngineClosedException e) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        } catch (RuntimeException e) {
            // Kafka maps storage failures of this topic to a retriable coordinator error too.
            LOG.log(System.Logger.Level.WARNING, "Appending to " + OffsetsTopicDescriptor.TOPIC + " failed", e);
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
    }

    private static Map<TopicPartition, GroupError> uniform(Collection<TopicPartition> partitions, GroupError error) {
        Map<TopicPartition, GroupError> results = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            results.put(tp, error);
        }
        return results;
    }

    /** The internal topic's storage (tests). */
    OffsetsLog offsetsLog() {
        return offsetsLog;
    }

    /**
     * Stops timers and answers in-flight JoinGroup/SyncGroup calls with COORDINATOR_NOT_AVAILABLE
     * (clients then find the coordinator again). Does not close the engine. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        GroupTimer.Cancellable retention = retentionTask;
        if (retention != null) {
            retention.cancel();
        }
        List<Runnable> deferred = new ArrayList<>();
        for (ClassicGroup group : groups.values()) {
            synchronized (group) {
                group.cancelTimers();
                for (MemberMetadata member : group.members.values()) {
                    if (member.awaitingJoin != null) {
                        GroupMembership.respond(deferred, member.awaitingJoin,
                                JoinResult.error(GroupError.COORDINATOR_NOT_AVAILABLE, member.memberId));
                        member.awaitingJoin = null;
                    }
                    if (member.awaitingSync != null) {
                        GroupMembership.respond(deferred, member.awaitingSync,
                                SyncResult.error(GroupError.COORDINATOR_NOT_AVAILABLE));
                        member.awaitingSync = null;
                    }
                }
            }
        }
        GroupMembership.runAll(deferred);
        if (ownsTimer) {
            timer.close();
        }
    }
}
