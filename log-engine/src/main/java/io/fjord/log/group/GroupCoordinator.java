package io.fjord.log.group;

import io.fjord.log.FjordException;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicPartition;
import io.fjord.log.io.MillisClock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
 * A change that needs a record takes effect when its append completes, as in Kafka: a commit is
 * pending until then (retention and deletes account for it), a SyncGroup's assignment is applied
 * and the group becomes Stable only once stored, a deleted group is Dead (requests retry) until
 * its tombstones are in. A failed append changes nothing in memory and is answered with Kafka's
 * error for it ({@link StorageErrors}).
 * Members restored from the log get a fresh session: if their clients are gone they expire.
 * The topic is compacted ({@code cleanup.policy=compact}), which keeps it bounded by the live
 * keys ({@link OffsetsLog} explains why replay of the compacted log gives the same state).
 *
 * <h2>Threading</h2>
 * Thread-safe, and no call waits: network threads call it directly. Every call locks only its
 * group ({@code synchronized} on the group object) to decide and to queue its records for the
 * writer ({@link OffsetsLog#appendAsync}, which never waits, even on a full queue), never across
 * the append; so groups never wait on each other and a slow disk never holds a group's lock. The
 * append's completion runs on the partition's writer thread: it takes the group's lock briefly to
 * apply the outcome (appends of a group complete in the order they were queued, so outcomes apply
 * in log order) and answers. Client callbacks run after the lock is released, on the calling
 * thread, the timer thread or a writer thread. The methods that return a result instead of taking
 * a callback ({@code commitOffsets}, {@code deleteGroups}, {@code deleteOffsets},
 * {@code expireOffsets}) wait for it: they are for in-process callers such as the embedded
 * client, never a network or writer thread. Timers (session expiry, join deadlines, offsets
 * retention) run on one {@link GroupTimer} thread; all time decisions read the engine's clock.
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
    /** Between attempts of a blocking commit while the writer's queue is full. */
    private static final long QUEUE_FULL_RETRY_NS = 1_000_000;
    /** Marks a commit answered later, by its append's completion. */
    private static final Map<TopicPartition, GroupError> QUEUED = Collections.unmodifiableMap(new HashMap<>());

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

    /**
     * DeleteGroups: only Empty groups; their offsets go too. {@code callback} gets one result per
     * group once every tombstone is in the log (on a writer thread, or at once on the calling
     * thread when nothing had to be written). Never waits.
     */
    public void deleteGroups(List<String> groupIds, Consumer<Map<String, GroupError>> callback) {
        Map<String, GroupError> results = new ConcurrentHashMap<>();
        AtomicInteger remaining = new AtomicInteger(groupIds.size() + 1);
        Runnable countDown = () -> {
            if (remaining.decrementAndGet() == 0) {
                Map<String, GroupError> ordered = new LinkedHashMap<>();
                for (String groupId : groupIds) {
                    ordered.put(groupId, results.get(groupId == null ? "" : groupId));
                }
                callback.accept(ordered);
            }
        };
        for (String groupId : groupIds) {
            deleteGroup(groupId, error -> {
                // A repeated id is answered with one outcome, as a map keyed by id must.
                results.put(groupId == null ? "" : groupId, error);
                countDown.run();
            });
        }
        countDown.run();
    }

    /** {@link #deleteGroups(List, Consumer)}, waiting for the answer: for in-process callers, never a network thread. */
    public Map<String, GroupError> deleteGroups(List<String> groupIds) {
        return await(callback -> deleteGroups(groupIds, callback));
    }

    private void deleteGroup(String groupId, Consumer<GroupError> done) {
        if (closed) {
            done.accept(GroupError.COORDINATOR_NOT_AVAILABLE);
            return;
        }
        if (groupId == null) {
            done.accept(GroupError.INVALID_GROUP_ID);
            return;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            done.accept(GroupError.GROUP_ID_NOT_FOUND);
            return;
        }
        GroupError refused;
        synchronized (group) {
            if (group.state == GroupState.DEAD) {
                refused = GroupError.GROUP_ID_NOT_FOUND;
            } else if (group.state != GroupState.EMPTY) {
                refused = GroupError.NON_EMPTY_GROUP;
            } else {
                List<OffsetsLog.Entry> tombstones = new ArrayList<>();
                for (TopicPartition tp : group.committedOrPending()) {
                    tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.offsetKey(groupId, tp), null));
                }
                tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.groupKey(groupId), null));
                NotQueued failure = tryQueue(groupId, tombstones, error -> onGroupDeleted(group, error, done));
                if (failure == null) {
                    // Dead from now on, as Kafka marks it before writing: joins and commits meanwhile are
                    // told to retry, so nothing lands in a group whose tombstone is on its way.
                    group.transitionTo(GroupState.DEAD, clock.nowMs());
                    return;
                }
                refused = StorageErrors.forTombstones(failure.error());
            }
        }
        done.accept(refused);
    }

    /** Writer thread: the group's tombstones are in the log (or failed, and the group stays as it was). */
    private void onGroupDeleted(ClassicGroup group, FjordException error, Consumer<GroupError> done) {
        synchronized (group) {
            if (error == null) {
                group.offsets.clear();
                removeDeadGroup(group);
            } else {
                group.transitionTo(GroupState.EMPTY, clock.nowMs());
            }
        }
        if (error != null) {
            LOG.log(System.Logger.Level.WARNING, "Deleting group " + group.groupId + " failed", error);
        }
        done.accept(error == null ? GroupError.NONE : StorageErrors.forTombstones(error));
    }

    // ---------------------------------------------------------------- offsets API

    /**
     * OffsetCommit. Durable before it is answered: the accepted offsets are queued for the internal
     * topic as one batch, and {@code callback} runs once the engine acknowledged them (on a writer
     * thread; at once on the calling thread when nothing is written). The group's lock is held only
     * to decide and queue, never while the append runs; the offsets become visible to OffsetFetch
     * when the append completes, in log order. {@code generationId} -1 is a simple commit (an
     * assign() consumer), accepted only while the group has no members, as in Kafka. Never waits.
     */
    public void commitOffsets(String groupId, int generationId, String memberId, String groupInstanceId,
                              Map<TopicPartition, CommittedOffset> offsets,
                              Consumer<Map<TopicPartition, GroupError>> callback) {
        if (closed || engine.isClosed()) {
            callback.accept(uniform(offsets.keySet(), GroupError.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (groupId == null) {
            callback.accept(uniform(offsets.keySet(), GroupError.INVALID_GROUP_ID));
            return;
        }
        Map<TopicPartition, GroupError> answer = null;
        for (int attempt = 0; attempt < GROUP_LOOKUP_ATTEMPTS && answer == null; attempt++) {
            ClassicGroup group = groups.get(groupId);
            if (group == null) {
                if (generationId >= 0) {
                    // A member of a generation this coordinator never saw (or a deleted group).
                    answer = uniform(offsets.keySet(), GroupError.ILLEGAL_GENERATION);
                    break;
                }
                group = getOrCreate(groupId);
                if (group == null) {
                    answer = uniform(offsets.keySet(), GroupError.COORDINATOR_NOT_AVAILABLE);
                    break;
                }
            }
            synchronized (group) {
                if (group.state == GroupState.DEAD) {
                    continue;
                }
                GroupError error = commitCheck(group, generationId, memberId, groupInstanceId);
                if (error != GroupError.NONE) {
                    answer = uniform(offsets.keySet(), error);
                    break;
                }
                MemberMetadata member = group.members.get(memberId);
                if (member != null) {
                    member.lastHeartbeatMs = clock.nowMs(); // a commit proves the member is alive
                }
                answer = queueCommit(group, offsets, callback);
            }
        }
        if (answer == QUEUED) {
            return;
        }
        callback.accept(answer != null ? answer : uniform(offsets.keySet(), GroupError.COORDINATOR_NOT_AVAILABLE));
    }

    /**
     * {@link #commitOffsets(String, int, String, String, Map, Consumer)}, waiting for the answer: for
     * in-process callers (the embedded client), never a network or writer thread. A writer queue
     * that stays full is waited out up to the engine's append timeout, as a synchronous append does.
     */
    public Map<TopicPartition, GroupError> commitOffsets(String groupId, int generationId, String memberId,
                                                         String groupInstanceId,
                                                         Map<TopicPartition, CommittedOffset> offsets) {
        long deadlineNs = System.nanoTime() + engine.config().appendTimeoutMs() * 1_000_000L;
        while (true) {
            Map<TopicPartition, GroupError> results = await(callback ->
                    commitOffsets(groupId, generationId, memberId, groupInstanceId, offsets, callback));
            if (!results.containsValue(GroupError.REQUEST_TIMED_OUT) || System.nanoTime() - deadlineNs > 0) {
                return results;
            }
            LockSupport.parkNanos(QUEUE_FULL_RETRY_NS);
        }
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

    /**
     * Validates the offsets and queues the accepted ones (group lock held). Returns {@link #QUEUED}
     * when {@code callback} will be answered by the append's completion, or the answer to give now.
     */
    private Map<TopicPartition, GroupError> queueCommit(ClassicGroup group, Map<TopicPartition, CommittedOffset> offsets,
                                                        Consumer<Map<TopicPartition, GroupError>> callback) {
        assert Thread.holdsLock(group);
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
        if (entries.isEmpty()) {
            return results;
        }
        NotQueued failure = tryQueue(group.groupId, entries,
                error -> onCommitAppended(group, accepted, results, error, callback));
        if (failure != null) {
            GroupError error = StorageErrors.forCommit(failure.error());
            accepted.keySet().forEach(tp -> results.put(tp, error));
            return results;
        }
        // Kafka's pending offset commits: retention and deletes see them before they are applied.
        // The completion needs this lock, so it cannot run before these are counted.
        accepted.keySet().forEach(group::addPendingCommit);
        return QUEUED;
    }

    /**
     * Writer thread: applies a commit in log order (a group's appends complete in the order they
     * were queued, so a later commit of a partition is applied after an earlier one), then answers.
     */
    private void onCommitAppended(ClassicGroup group, Map<TopicPartition, CommittedOffset> accepted,
                                  Map<TopicPartition, GroupError> results, FjordException error,
                                  Consumer<Map<TopicPartition, GroupError>> callback) {
        synchronized (group) {
            accepted.keySet().forEach(group::removePendingCommit);
            if (error == null) {
                group.offsets.putAll(accepted);
            }
        }
        if (error != null) {
            LOG.log(System.Logger.Level.WARNING, "Committing offsets of group " + group.groupId + " failed", error);
            GroupError answer = StorageErrors.forCommit(error);
            accepted.keySet().forEach(tp -> results.put(tp, answer));
        }
        callback.accept(results);
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
     * {@code callback} runs once the tombstones are in the log (writer thread), or at once. Never waits.
     */
    public void deleteOffsets(String groupId, List<TopicPartition> partitions,
                              Consumer<Map<TopicPartition, GroupError>> callback) {
        if (closed) {
            callback.accept(uniform(partitions, GroupError.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (invalidGroupId(groupId)) {
            callback.accept(uniform(partitions, GroupError.INVALID_GROUP_ID));
            return;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            callback.accept(uniform(partitions, GroupError.GROUP_ID_NOT_FOUND));
            return;
        }
        Map<TopicPartition, GroupError> results = new LinkedHashMap<>();
        synchronized (group) {
            if (group.state == GroupState.DEAD) {
                results = uniform(partitions, GroupError.GROUP_ID_NOT_FOUND);
            } else if (group.state != GroupState.EMPTY && !CONSUMER_PROTOCOL_TYPE.equals(group.protocolType)) {
                results = uniform(partitions, GroupError.NON_EMPTY_GROUP);
            } else {
                Set<String> subscribed = group.state == GroupState.EMPTY ? Set.of() : group.subscribedTopics();
                List<OffsetsLog.Entry> tombstones = new ArrayList<>();
                List<TopicPartition> deleted = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    if (subscribed == null || subscribed.contains(tp.topic())) {
                        results.put(tp, GroupError.GROUP_SUBSCRIBED_TO_TOPIC);
                        continue;
                    }
                    results.put(tp, GroupError.NONE);
                    // A commit still being appended gets its tombstone too: it lands after the commit.
                    if (group.offsets.containsKey(tp) || group.hasPendingCommit(tp)) {
                        tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.offsetKey(groupId, tp), null));
                        deleted.add(tp);
                    }
                }
                if (!tombstones.isEmpty()) {
                    Map<TopicPartition, GroupError> answer = results;
                    NotQueued failure = tryQueue(groupId, tombstones,
                            error -> onOffsetsDeleted(group, deleted, answer, error, callback));
                    if (failure == null) {
                        return;
                    }
                    GroupError error = StorageErrors.forTombstones(failure.error());
                    deleted.forEach(tp -> answer.put(tp, error));
                }
            }
        }
        callback.accept(results);
    }

    /** {@link #deleteOffsets(String, List, Consumer)}, waiting: for in-process callers, never a network thread. */
    public Map<TopicPartition, GroupError> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return await(callback -> deleteOffsets(groupId, partitions, callback));
    }

    private void onOffsetsDeleted(ClassicGroup group, List<TopicPartition> deleted, Map<TopicPartition, GroupError> results,
                                  FjordException error, Consumer<Map<TopicPartition, GroupError>> callback) {
        if (error == null) {
            synchronized (group) {
                deleted.forEach(group.offsets::remove);
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, "Deleting offsets of group " + group.groupId + " failed", error);
            GroupError answer = StorageErrors.forTombstones(error);
            deleted.forEach(tp -> results.put(tp, answer));
        }
        callback.accept(results);
    }

    // ---------------------------------------------------------------- retention

    private void scheduleRetention() {
        if (!closed) {
            retentionTask = timer.schedule(config.offsetsRetentionCheckIntervalMs(), () -> {
                try {
                    startExpiry(); // the timer thread queues the tombstones and goes on; it never waits
                } finally {
                    scheduleRetention();
                }
            });
        }
    }

    /**
     * Removes offsets of Empty groups committed more than {@code offsetsRetentionMs} ago, and
     * groups left with neither members nor offsets (they become Dead). Runs on the timer without
     * waiting; this public form (an operator's or a test's pass now) returns once the pass's
     * tombstones are in the log. Not for a network or writer thread.
     */
    public void expireOffsets() {
        for (CompletableFuture<Void> done : startExpiry()) {
            done.join();
        }
    }

    /** Queues the tombstones of one retention pass; each future completes when its group's append has. */
    private List<CompletableFuture<Void>> startExpiry() {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        if (closed) {
            return pending;
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
                    // A commit on its way to the log renews the partition: leave it (as Kafka does).
                    if (nowMs - e.getValue().commitTimestampMs() >= config.offsetsRetentionMs()
                            && !group.hasPendingCommit(e.getKey())) {
                        expired.add(e.getKey());
                        tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.offsetKey(group.groupId, e.getKey()),
                                null));
                    }
                }
                boolean dead = expired.size() == group.offsets.size() && !group.hasPendingCommits();
                if (dead) {
                    tombstones.add(new OffsetsLog.Entry(OffsetsRecordCodec.groupKey(group.groupId), null));
                } else if (expired.isEmpty()) {
                    continue;
                }
                CompletableFuture<Void> done = new CompletableFuture<>();
                NotQueued failure = tryQueue(group.groupId, tombstones, error -> {
                    onExpired(group, expired, dead, error);
                    done.complete(null);
                });
                if (failure != null) {
                    continue; // try again next pass
                }
                if (dead) {
                    group.transitionTo(GroupState.DEAD, clock.nowMs()); // as a deleted group: see deleteGroup
                }
                pending.add(done);
            }
        }
        return pending;
    }

    /** Writer thread: a retention pass's tombstones of one group are in the log, or failed (kept for the next pass). */
    private void onExpired(ClassicGroup group, List<TopicPartition> expired, boolean dead, FjordException error) {
        synchronized (group) {
            if (error != null) {
                if (dead) {
                    group.transitionTo(GroupState.EMPTY, clock.nowMs());
                }
            } else {
                expired.forEach(group.offsets::remove);
                if (dead) {
                    removeDeadGroup(group);
                }
            }
        }
        if (error != null) {
            LOG.log(System.Logger.Level.WARNING, "Expiring offsets of group " + group.groupId + " failed", error);
        }
    }

    // ---------------------------------------------------------------- storage helpers

    /** Why an append was not queued: the engine's refusal, or (null error) a full writer queue. */
    private record NotQueued(FjordException error) {
    }

    private static final NotQueued WRITER_QUEUE_FULL = new NotQueued(null);

    /**
     * Queues entries for the group's partition of {@code __consumer_offsets}; never waits. Returns
     * null when queued ({@code done} then runs on the writer thread, with null on success), or why
     * not (and {@code done} never runs).
     */
    private NotQueued tryQueue(String groupId, List<OffsetsLog.Entry> entries, OffsetsLog.Completion done) {
        try {
            return offsetsLog.appendAsync(groupId, entries, done) ? null : WRITER_QUEUE_FULL;
        } catch (FjordException e) {
            return new NotQueued(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Appending to " + OffsetsTopicDescriptor.TOPIC + " failed", e);
            return new NotQueued(new FjordException("Appending to " + OffsetsTopicDescriptor.TOPIC + " failed: "
                    + e.getMessage(), e));
        }
    }

    /**
     * {@link GroupMembership.GroupStore}: queues the group's metadata record, with {@code assignments}
     * (member id to assignment) in place of the members' current ones when not null.
     */
    private GroupError storeGroup(ClassicGroup group, Map<String, byte[]> assignments, Consumer<GroupError> done) {
        OffsetsLog.Entry entry = new OffsetsLog.Entry(OffsetsRecordCodec.groupKey(group.groupId),
                OffsetsRecordCodec.groupValue(group.toStored(clock.nowMs(), assignments)));
        NotQueued failure = tryQueue(group.groupId, List.of(entry), error -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "Storing group " + group.groupId + " failed", error);
            }
            done.accept(error == null ? GroupError.NONE : StorageErrors.forGroupStore(error));
        });
        return failure == null ? GroupError.NONE : StorageErrors.forGroupStore(failure.error());
    }

    /** Runs an asynchronous call and waits for its callback (in-process callers only). */
    private static <T> T await(Consumer<Consumer<T>> call) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        call.accept(answer::complete);
        return answer.join(); // the writer completes every queued append, also when the engine closes
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
