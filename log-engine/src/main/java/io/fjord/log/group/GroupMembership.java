package io.fjord.log.group;

import io.fjord.log.io.MillisClock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The classic group state machine: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, session expiry
 * and the join-phase deadlines, applied to one {@link ClassicGroup} at a time.
 *
 * <p>Every method here is called with the group's lock held and never invokes a client callback
 * itself: callbacks are added to {@code deferred}, which the caller runs after releasing the lock,
 * so a slow callback cannot stall the group. Timer tasks take the lock themselves and re-check the
 * engine clock and the join phase, so a late or stale task is harmless. Group metadata is queued
 * for the log, never waited for under the lock: the leader's assignment takes effect when its
 * append completes (on the writer thread), if the group is still in that join phase.
 */
final class GroupMembership {
    private static final System.Logger LOG = System.getLogger(GroupMembership.class.getName());

    private final GroupConfig config;
    private final MillisClock clock;
    private final GroupTimer timer;
    private final GroupStore store;
    private final BooleanSupplier closed;

    /** Persists a group's metadata record; the coordinator implements it over {@link OffsetsLog}. */
    interface GroupStore {
        /**
         * Queues the group's metadata record (with {@code assignments}, member id to bytes, in place
         * of the members' own when not null) and returns at once, never waiting for the append.
         *
         * @param done runs on the writer thread with NONE or the error to answer, if queued
         * @return NONE when queued; otherwise the error to answer, and {@code done} never runs
         */
        GroupError storeGroup(ClassicGroup group, Map<String, byte[]> assignments, Consumer<GroupError> done);
    }

    GroupMembership(GroupConfig config, MillisClock clock, GroupTimer timer, GroupStore store, BooleanSupplier closed) {
        this.config = config;
        this.clock = clock;
        this.timer = timer;
        this.store = store;
        this.closed = closed;
    }

    // ---------------------------------------------------------------- JoinGroup

    void join(ClassicGroup group, JoinRequest req, int rebalanceTimeoutMs, Consumer<JoinResult> callback,
              List<Runnable> deferred) {
        String memberId = req.memberId() == null ? "" : req.memberId();
        if (!group.supportsProtocols(req.protocolType(), req.protocols())) {
            respond(deferred, callback, JoinResult.error(GroupError.INCONSISTENT_GROUP_PROTOCOL, memberId));
            return;
        }
        if (memberId.isEmpty()) {
            joinNewMember(group, req, rebalanceTimeoutMs, callback, deferred);
        } else {
            joinKnownMember(group, memberId, req, rebalanceTimeoutMs, callback, deferred);
        }
    }

    private void joinNewMember(ClassicGroup group, JoinRequest req, int rebalanceTimeoutMs,
                               Consumer<JoinResult> callback, List<Runnable> deferred) {
        String instanceId = req.groupInstanceId();
        String existingStatic = instanceId == null ? null : group.staticMembers.get(instanceId);
        if (existingStatic == null && group.size() + group.pendingMembers.size() >= config.maxMembersPerGroup()) {
            respond(deferred, callback, JoinResult.error(GroupError.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        String newMemberId = (req.clientId() == null ? "" : req.clientId()) + "-" + UUID.randomUUID();
        if (existingStatic != null) {
            replaceStaticMember(group, existingStatic, newMemberId, req, rebalanceTimeoutMs, callback, deferred);
        } else if (instanceId == null && req.requireKnownMemberId()) {
            // KIP-394: hand out the id first, so a client that times out and retries cannot leave
            // ghost members behind; the id expires unless it rejoins within the session timeout.
            GroupTimer.Cancellable expiry = timer.schedule(req.sessionTimeoutMs(),
                    () -> expirePendingMember(group, newMemberId));
            group.pendingMembers.put(newMemberId, expiry);
            respond(deferred, callback, JoinResult.error(GroupError.MEMBER_ID_REQUIRED, newMemberId));
        } else {
            addMemberAndRebalance(group, newMemberId, req, rebalanceTimeoutMs, callback, deferred);
        }
    }

    private void joinKnownMember(ClassicGroup group, String memberId, JoinRequest req, int rebalanceTimeoutMs,
                                 Consumer<JoinResult> callback, List<Runnable> deferred) {
        GroupTimer.Cancellable pending = group.pendingMembers.get(memberId);
        if (pending != null) {
            addMemberAndRebalance(group, memberId, req, rebalanceTimeoutMs, callback, deferred);
            return;
        }
        if (group.isStaticMemberFenced(memberId, req.groupInstanceId())) {
            respond(deferred, callback, JoinResult.error(GroupError.FENCED_INSTANCE_ID, memberId));
            return;
        }
        MemberMetadata member = group.members.get(memberId);
        if (member == null || group.state == GroupState.EMPTY || group.state == GroupState.DEAD) {
            respond(deferred, callback, JoinResult.error(GroupError.UNKNOWN_MEMBER_ID, memberId));
            return;
        }
        member.lastHeartbeatMs = clock.nowMs();
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                updateMember(group, member, req, rebalanceTimeoutMs, callback, deferred);
                tryCompleteJoin(group, deferred);
            }
            case COMPLETING_REBALANCE -> {
                if (member.matches(req.protocols())) {
                    // A retried join of this generation: answer it again instead of rebalancing.
                    respond(deferred, callback, currentGenerationResult(group, member));
                } else {
                    updateMember(group, member, req, rebalanceTimeoutMs, callback, deferred);
                    prepareRebalance(group, deferred);
                }
            }
            case STABLE -> {
                // The leader rejoining means it wants to reassign (e.g. its metadata changed); so does a
                // follower whose protocols changed. Anyone else just gets the current generation.
                if (memberId.equals(group.leaderId) || !member.matches(req.protocols())) {
                    updateMember(group, member, req, rebalanceTimeoutMs, callback, deferred);
                    prepareRebalance(group, deferred);
                } else {
                    respond(deferred, callback, currentGenerationResult(group, member));
                }
            }
            default -> respond(deferred, callback, JoinResult.error(GroupError.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private void replaceStaticMember(ClassicGroup group, String oldMemberId, String newMemberId, JoinRequest req,
                                     int rebalanceTimeoutMs, Consumer<JoinResult> callback, List<Runnable> deferred) {
        MemberMetadata old = group.members.remove(oldMemberId);
        old.cancelExpiry();
        // The old incarnation's in-flight requests are answered: it has been replaced.
        if (old.awaitingJoin != null) {
            respond(deferred, old.awaitingJoin, JoinResult.error(GroupError.FENCED_INSTANCE_ID, oldMemberId));
        }
        if (old.awaitingSync != null) {
            respond(deferred, old.awaitingSync, SyncResult.error(GroupError.FENCED_INSTANCE_ID));
        }
        long nowMs = clock.nowMs();
        MemberMetadata member = new MemberMetadata(newMemberId, old.groupInstanceId, req.clientId(), req.clientHost(),
                req.sessionTimeoutMs(), rebalanceTimeoutMs, old.protocols, nowMs);
        member.assignment = old.assignment;
        group.members.put(newMemberId, member);
        group.staticMembers.put(old.groupInstanceId, newMemberId);
        if (oldMemberId.equals(group.leaderId)) {
            group.leaderId = newMemberId;
        }
        scheduleExpiry(group, member, member.sessionTimeoutMs);
        switch (group.state) {
            case STABLE -> {
                if (member.matches(req.protocols())) {
                    // Same subscription: keep the assignment, no rebalance (KIP-345's point). Persist the
                    // new member id so a restarted coordinator still fences the old one.
                    storeQuietly(group);
                    respond(deferred, callback, currentGenerationResult(group, member));
                } else {
                    updateMember(group, member, req, rebalanceTimeoutMs, callback, deferred);
                    prepareRebalance(group, deferred);
                }
            }
            case COMPLETING_REBALANCE -> {
                updateMember(group, member, req, rebalanceTimeoutMs, callback, deferred);
                prepareRebalance(group, deferred);
            }
            default -> {
                updateMember(group, member, req, rebalanceTimeoutMs, callback, deferred);
                tryCompleteJoin(group, deferred);
            }
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest req, int rebalanceTimeoutMs,
                                       Consumer<JoinResult> callback, List<Runnable> deferred) {
        GroupTimer.Cancellable pending = group.pendingMembers.remove(memberId);
        if (pending != null) {
            pending.cancel();
        }
        MemberMetadata member = new MemberMetadata(memberId, req.groupInstanceId(), req.clientId(), req.clientHost(),
                req.sessionTimeoutMs(), rebalanceTimeoutMs, req.protocols(), clock.nowMs());
        member.awaitingJoin = callback;
        if (group.members.isEmpty()) {
            group.protocolType = req.protocolType();
        }
        group.members.put(memberId, member);
        if (member.groupInstanceId != null) {
            group.staticMembers.put(member.groupInstanceId, memberId);
        }
        if (group.leaderId == null) {
            group.leaderId = memberId;
        }
        scheduleExpiry(group, member, member.sessionTimeoutMs);
        if (group.state == GroupState.PREPARING_REBALANCE) {
            group.newMemberAdded = true;
            tryCompleteJoin(group, deferred);
        } else {
            prepareRebalance(group, deferred);
        }
    }

    private void updateMember(ClassicGroup group, MemberMetadata member, JoinRequest req, int rebalanceTimeoutMs,
                              Consumer<JoinResult> callback, List<Runnable> deferred) {
        if (member.awaitingJoin != null && member.awaitingJoin != callback) {
            // A duplicate join: answer the earlier one so no request is left without a response.
            respond(deferred, member.awaitingJoin, JoinResult.error(GroupError.REBALANCE_IN_PROGRESS, member.memberId));
        }
        member.protocols = List.copyOf(req.protocols());
        member.clientId = req.clientId();
        member.clientHost = req.clientHost();
        member.rebalanceTimeoutMs = rebalanceTimeoutMs;
        if (req.sessionTimeoutMs() != member.sessionTimeoutMs) {
            member.sessionTimeoutMs = req.sessionTimeoutMs();
            scheduleExpiry(group, member, member.sessionTimeoutMs);
        }
        member.awaitingJoin = callback;
    }

    private JoinResult currentGenerationResult(ClassicGroup group, MemberMetadata member) {
        boolean leader = member.memberId.equals(group.leaderId);
        return new JoinResult(GroupError.NONE, group.generationId, group.protocolType, group.protocolName,
                group.leaderId, member.memberId, leader ? group.joinMembers() : List.of());
    }

    // ---------------------------------------------------------------- the join phase

    /** Starts a rebalance: moves to PreparingRebalance and arms the join deadline. */
    void prepareRebalance(ClassicGroup group, List<Runnable> deferred) {
        if (group.state == GroupState.COMPLETING_REBALANCE) {
            for (MemberMetadata member : group.members.values()) {
                member.assignment = SyncResult.NO_ASSIGNMENT;
                if (member.awaitingSync != null) {
                    respond(deferred, member.awaitingSync, SyncResult.error(GroupError.REBALANCE_IN_PROGRESS));
                    member.awaitingSync = null;
                }
            }
        }
        boolean wasEmpty = group.state == GroupState.EMPTY;
        group.transitionTo(GroupState.PREPARING_REBALANCE, clock.nowMs());
        long phase = ++group.joinPhase;
        if (group.joinTimer != null) {
            group.joinTimer.cancel();
        }
        int rebalanceTimeoutMs = group.maxRebalanceTimeoutMs();
        if (wasEmpty && config.initialRebalanceDelayMs() > 0) {
            // group.initial.rebalance.delay.ms: wait for the rest of a starting fleet so it does
            // not rebalance once per arriving member; each new arrival buys another delay, up to
            // the rebalance timeout.
            int delayMs = config.initialRebalanceDelayMs();
            group.initialDelayPhase = true;
            group.newMemberAdded = false;
            group.initialDelayRemainingMs = Math.max(0, rebalanceTimeoutMs - delayMs);
            group.joinTimer = timer.schedule(delayMs, () -> onInitialDelay(group, phase));
        } else {
            group.initialDelayPhase = false;
            group.joinTimer = timer.schedule(rebalanceTimeoutMs, () -> onJoinDeadline(group, phase));
            tryCompleteJoin(group, deferred);
        }
    }

    private void onInitialDelay(ClassicGroup group, long phase) {
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            if (closed.getAsBoolean() || phase != group.joinPhase || group.state != GroupState.PREPARING_REBALANCE) {
                return;
            }
            if (group.newMemberAdded && group.initialDelayRemainingMs > 0) {
                long delayMs = Math.min(config.initialRebalanceDelayMs(), group.initialDelayRemainingMs);
                group.initialDelayRemainingMs = Math.max(0, group.initialDelayRemainingMs - config.initialRebalanceDelayMs());
                group.newMemberAdded = false;
                group.joinTimer = timer.schedule(delayMs, () -> onInitialDelay(group, phase));
                return;
            }
            completeJoin(group, deferred);
        }
        runAll(deferred);
    }

    private void onJoinDeadline(ClassicGroup group, long phase) {
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            if (closed.getAsBoolean() || phase != group.joinPhase || group.state != GroupState.PREPARING_REBALANCE) {
                return;
            }
            completeJoin(group, deferred);
        }
        runAll(deferred);
    }

    void tryCompleteJoin(ClassicGroup group, List<Runnable> deferred) {
        if (group.state == GroupState.PREPARING_REBALANCE && !group.initialDelayPhase && group.allMembersJoined()) {
            completeJoin(group, deferred);
        }
    }

    /** Ends the join phase: drops members that did not rejoin and starts the next generation. */
    private void completeJoin(ClassicGroup group, List<Runnable> deferred) {
        if (group.joinTimer != null) {
            group.joinTimer.cancel();
            group.joinTimer = null;
        }
        group.initialDelayPhase = false;
        group.joinPhase++;
        for (Iterator<MemberMetadata> it = group.members.values().iterator(); it.hasNext(); ) {
            MemberMetadata member = it.next();
            if (member.awaitingJoin == null) {
                it.remove();
                forgetMember(group, member, deferred);
            }
        }
        if (group.leaderId != null && !group.members.containsKey(group.leaderId)) {
            group.leaderId = group.members.isEmpty() ? null : group.members.keySet().iterator().next();
        }
        long nowMs = clock.nowMs();
        group.generationId++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(GroupState.EMPTY, nowMs);
            // On failure the next generation or the retention pass writes it again; replay then sees the latest.
            storeQuietly(group);
            return;
        }
        group.protocolName = ProtocolVote.select(group.members.values());
        group.transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        for (MemberMetadata member : group.members.values()) {
            Consumer<JoinResult> callback = member.awaitingJoin;
            member.awaitingJoin = null;
            member.lastHeartbeatMs = nowMs;
            respond(deferred, callback, currentGenerationResult(group, member));
        }
        // Members waiting in SyncGroup are kept alive, so a leader that heartbeats but never syncs
        // would strand them: like Kafka, drop whoever has not synced within the rebalance timeout.
        long phase = group.joinPhase;
        group.joinTimer = timer.schedule(group.maxRebalanceTimeoutMs(), () -> onSyncDeadline(group, phase));
    }

    private void onSyncDeadline(ClassicGroup group, long phase) {
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            if (closed.getAsBoolean() || phase != group.joinPhase || group.state != GroupState.COMPLETING_REBALANCE) {
                return;
            }
            group.joinTimer = null;
            List<MemberMetadata> unsynced = new ArrayList<>();
            for (MemberMetadata member : group.members.values()) {
                if (member.awaitingSync == null) {
                    unsynced.add(member);
                }
            }
            for (MemberMetadata member : unsynced) {
                if (group.members.get(member.memberId) == member) {
                    removeMemberAndRebalance(group, member, deferred);
                }
            }
        }
        runAll(deferred);
    }

    // ---------------------------------------------------------------- SyncGroup

    void sync(ClassicGroup group, SyncRequest req, Consumer<SyncResult> callback, List<Runnable> deferred) {
        if (group.isStaticMemberFenced(req.memberId(), req.groupInstanceId())) {
            respond(deferred, callback, SyncResult.error(GroupError.FENCED_INSTANCE_ID));
            return;
        }
        MemberMetadata member = group.members.get(req.memberId());
        if (member == null || group.state == GroupState.EMPTY || group.state == GroupState.DEAD) {
            respond(deferred, callback, SyncResult.error(GroupError.UNKNOWN_MEMBER_ID));
            return;
        }
        if (req.generationId() != group.generationId) {
            respond(deferred, callback, SyncResult.error(GroupError.ILLEGAL_GENERATION));
            return;
        }
        if ((req.protocolType() != null && !req.protocolType().equals(group.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(group.protocolName))) {
            respond(deferred, callback, SyncResult.error(GroupError.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        member.lastHeartbeatMs = clock.nowMs();
        switch (group.state) {
            case PREPARING_REBALANCE -> respond(deferred, callback, SyncResult.error(GroupError.REBALANCE_IN_PROGRESS));
            case STABLE -> respond(deferred, callback, assignmentResult(group, member));
            case COMPLETING_REBALANCE -> {
                if (member.awaitingSync != null) {
                    respond(deferred, member.awaitingSync, SyncResult.error(GroupError.REBALANCE_IN_PROGRESS));
                }
                member.awaitingSync = callback;
                if (member.memberId.equals(group.leaderId)) {
                    completeSync(group, req.assignments() == null ? Map.of() : req.assignments(), deferred);
                }
            }
            default -> respond(deferred, callback, SyncResult.error(GroupError.UNKNOWN_MEMBER_ID));
        }
    }

    private void completeSync(ClassicGroup group, Map<String, byte[]> assignments, List<Runnable> deferred) {
        for (byte[] assignment : assignments.values()) {
            if (assignment != null && assignment.length > config.maxProtocolMetadataBytes()) {
                failSync(group, GroupError.INCONSISTENT_GROUP_PROTOCOL, deferred);
                return;
            }
        }
        long phase = group.joinPhase;
        if (group.storingAssignmentPhase == phase) {
            return; // a retried leader SyncGroup: it is answered with everyone when the first store completes
        }
        Map<String, byte[]> planned = new HashMap<>();
        for (MemberMetadata member : group.members.values()) {
            byte[] assignment = assignments.get(member.memberId);
            planned.put(member.memberId, assignment == null ? SyncResult.NO_ASSIGNMENT : assignment);
        }
        // Kafka's order: the assignment is stored first and applied once stored, so a failed append
        // leaves the group as it was (then it rebalances). Members stay in CompletingRebalance meanwhile.
        GroupError queued = store.storeGroup(group, planned, error -> onAssignmentStored(group, phase, planned, error));
        if (queued != GroupError.NONE) {
            failSync(group, queued, deferred);
            return;
        }
        group.storingAssignmentPhase = phase;
    }

    /** Writer thread: the leader's assignment is in the log (or failed); applied if the join phase is still the same. */
    private void onAssignmentStored(ClassicGroup group, long phase, Map<String, byte[]> planned, GroupError error) {
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            if (group.storingAssignmentPhase == phase) {
                group.storingAssignmentPhase = -1;
            }
            // Another rebalance began meanwhile (a member joined, left or expired): its members were
            // answered then, and this assignment is stale, as in Kafka's storeGroup callback.
            if (closed.getAsBoolean() || phase != group.joinPhase || group.state != GroupState.COMPLETING_REBALANCE) {
                return;
            }
            if (error != GroupError.NONE) {
                failSync(group, error, deferred);
            } else {
                for (MemberMetadata member : group.members.values()) {
                    member.assignment = planned.getOrDefault(member.memberId, SyncResult.NO_ASSIGNMENT);
                }
                if (group.joinTimer != null) {
                    group.joinTimer.cancel();
                    group.joinTimer = null;
                }
                group.transitionTo(GroupState.STABLE, clock.nowMs());
                for (MemberMetadata member : group.members.values()) {
                    if (member.awaitingSync != null) {
                        respond(deferred, member.awaitingSync, assignmentResult(group, member));
                        member.awaitingSync = null;
                    }
                }
            }
        }
        runAll(deferred);
    }

    /** Stores the group's metadata without a client waiting on it: a failure is logged. */
    private void storeQuietly(ClassicGroup group) {
        GroupError queued = store.storeGroup(group, null, error -> { });
        if (queued != GroupError.NONE) {
            LOG.log(System.Logger.Level.WARNING, "Storing group " + group.groupId + " failed: " + queued);
        }
    }

    /** Kafka's resetAndPropagateAssignmentError, then a new rebalance. */
    private void failSync(ClassicGroup group, GroupError error, List<Runnable> deferred) {
        for (MemberMetadata member : group.members.values()) {
            member.assignment = SyncResult.NO_ASSIGNMENT;
            if (member.awaitingSync != null) {
                respond(deferred, member.awaitingSync, SyncResult.error(error));
                member.awaitingSync = null;
            }
        }
        prepareRebalance(group, deferred);
    }

    private static SyncResult assignmentResult(ClassicGroup group, MemberMetadata member) {
        return new SyncResult(GroupError.NONE, group.protocolType, group.protocolName, member.assignment);
    }

    // ---------------------------------------------------------------- Heartbeat, LeaveGroup, expiry

    GroupError heartbeat(ClassicGroup group, String memberId, String groupInstanceId, int generationId) {
        if (group.isStaticMemberFenced(memberId, groupInstanceId)) {
            return GroupError.FENCED_INSTANCE_ID;
        }
        MemberMetadata member = group.members.get(memberId);
        if (member == null || group.state == GroupState.EMPTY || group.state == GroupState.DEAD) {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        if (generationId != group.generationId) {
            return GroupError.ILLEGAL_GENERATION;
        }
        member.lastHeartbeatMs = clock.nowMs();
        // In CompletingRebalance a member may heartbeat between its join and sync responses: fine.
        return group.state == GroupState.PREPARING_REBALANCE ? GroupError.REBALANCE_IN_PROGRESS : GroupError.NONE;
    }

    GroupError leave(ClassicGroup group, LeaveMember leaving, List<Runnable> deferred) {
        String memberId = leaving.memberId() == null ? "" : leaving.memberId();
        String instanceId = leaving.groupInstanceId();
        if (instanceId != null) {
            String holder = group.staticMembers.get(instanceId);
            if (holder == null) {
                return GroupError.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !holder.equals(memberId)) {
                return GroupError.FENCED_INSTANCE_ID;
            }
            memberId = holder;
        }
        GroupTimer.Cancellable pending = group.pendingMembers.remove(memberId);
        if (pending != null) {
            pending.cancel();
            tryCompleteJoin(group, deferred);
            return GroupError.NONE;
        }
        MemberMetadata member = group.members.get(memberId);
        if (member == null) {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        removeMemberAndRebalance(group, member, deferred);
        return GroupError.NONE;
    }

    void removeMemberAndRebalance(ClassicGroup group, MemberMetadata member, List<Runnable> deferred) {
        group.members.remove(member.memberId);
        forgetMember(group, member, deferred);
        if (member.memberId.equals(group.leaderId)) {
            group.leaderId = group.members.isEmpty() ? null : group.members.keySet().iterator().next();
        }
        switch (group.state) {
            case PREPARING_REBALANCE -> tryCompleteJoin(group, deferred);
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, deferred);
            default -> { }
        }
    }

    /** Clears what a removed member leaves behind and answers its in-flight requests. */
    private void forgetMember(ClassicGroup group, MemberMetadata member, List<Runnable> deferred) {
        member.cancelExpiry();
        if (member.groupInstanceId != null && member.memberId.equals(group.staticMembers.get(member.groupInstanceId))) {
            group.staticMembers.remove(member.groupInstanceId);
        }
        if (member.awaitingJoin != null) {
            respond(deferred, member.awaitingJoin, JoinResult.error(GroupError.UNKNOWN_MEMBER_ID, member.memberId));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            respond(deferred, member.awaitingSync, SyncResult.error(GroupError.UNKNOWN_MEMBER_ID));
            member.awaitingSync = null;
        }
    }

    /** Arms (or re-arms) the member's session check; one pending task per member at most. */
    void scheduleExpiry(ClassicGroup group, MemberMetadata member, long delayMs) {
        member.cancelExpiry();
        member.expiryTask = timer.schedule(delayMs, () -> checkExpiry(group, member));
    }

    private void checkExpiry(ClassicGroup group, MemberMetadata member) {
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            if (closed.getAsBoolean() || group.members.get(member.memberId) != member) {
                return; // gone or replaced: a stale task
            }
            long nowMs = clock.nowMs();
            long deadlineMs = member.lastHeartbeatMs + member.sessionTimeoutMs;
            if (member.isKeptAlive()) {
                scheduleExpiry(group, member, member.sessionTimeoutMs);
                return;
            }
            if (nowMs < deadlineMs) {
                // Heartbeats only move lastHeartbeatMs; the check moves itself to the new deadline.
                scheduleExpiry(group, member, deadlineMs - nowMs);
                return;
            }
            member.expiryTask = null;
            removeMemberAndRebalance(group, member, deferred);
        }
        runAll(deferred);
    }

    private void expirePendingMember(ClassicGroup group, String memberId) {
        List<Runnable> deferred = new ArrayList<>();
        synchronized (group) {
            if (closed.getAsBoolean() || group.pendingMembers.remove(memberId) == null) {
                return;
            }
            tryCompleteJoin(group, deferred);
        }
        runAll(deferred);
    }

    // ---------------------------------------------------------------- helpers

    static <T> void respond(List<Runnable> deferred, Consumer<T> callback, T result) {
        deferred.add(() -> callback.accept(result));
    }

    static void runAll(List<Runnable> deferred) {
        for (Runnable runnable : deferred) {
            try {
                runnable.run();
            } catch (RuntimeException e) {
                // A failing callback belongs to its caller; it must not stop the others being answered.
                LOG.log(System.Logger.Level.WARNING, "Group callback failed", e);
            }
        }
    }
}
