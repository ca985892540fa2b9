package io.fjord.log.group;

import io.fjord.log.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The state of one classic consumer group: members, generation, selected protocol, join-phase
 * timer bookkeeping and committed offsets. Plain data with small queries; the transitions live in
 * {@link GroupMembership}.
 *
 * <p>Not thread-safe: every access holds {@code synchronized (group)}. One lock per group, so
 * calls for different groups never wait on each other.
 */
final class ClassicGroup {
    final String groupId;
    GroupState state = GroupState.EMPTY;
    long stateTimestampMs;
    int generationId;
    String protocolType;
    String protocolName;
    String leaderId;
    /** In join order: the first member becomes leader when there is none. */
    final LinkedHashMap<String, MemberMetadata> members = new LinkedHashMap<>();
    /** groupInstanceId to the member id currently holding it. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED that have not rejoined yet, with their expiry. */
    final Map<String, GroupTimer.Cancellable> pendingMembers = new HashMap<>();
    /** Committed offsets whose append has completed: what OffsetFetch answers and replay rebuilds. */
    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /**
     * Partitions with a commit queued for {@code __consumer_offsets} but not yet completed, with how
     * many (Kafka's pending offset commits): retention leaves them alone and deletes tombstone them.
     */
    private final Map<TopicPartition, Integer> pendingCommits = new HashMap<>();
    /** The join phase whose assignment is being stored, so a retried leader SyncGroup does not store it twice. */
    long storingAssignmentPhase = -1;

    /** Bumped per rebalance, so a timer task of an earlier join phase does nothing. */
    long joinPhase;
    GroupTimer.Cancellable joinTimer;
    boolean initialDelayPhase;
    boolean newMemberAdded;
    long initialDelayRemainingMs;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    void transitionTo(GroupState next, long nowMs) {
        state = next;
        stateTimestampMs = nowMs;
    }

    boolean has(String memberId) {
        return memberId != null && members.containsKey(memberId);
    }

    int size() {
        return members.size();
    }

    /** A static member presenting a member id other than the one now holding its instance id. */
    boolean isStaticMemberFenced(String memberId, String groupInstanceId) {
        if (groupInstanceId == null) {
            return false;
        }
        String holder = staticMembers.get(groupInstanceId);
        return holder != null && !holder.equals(memberId);
    }

    int maxRebalanceTimeoutMs() {
        int max = 0;
        for (MemberMetadata member : members.values()) {
            max = Math.max(max, member.rebalanceTimeoutMs);
        }
        return max;
    }

    /** Kafka's rule: an empty group takes any protocol type; otherwise the type must match and a protocol be shared. */
    boolean supportsProtocols(String type, List<JoinProtocol> protocols) {
        if (members.isEmpty()) {
            return true;
        }
        if (!Objects.equals(type, protocolType)) {
            return false;
        }
        Set<String> candidates = ProtocolVote.candidates(members.values());
        for (JoinProtocol protocol : protocols) {
            if (candidates.contains(protocol.name())) {
                return true;
            }
        }
        return false;
    }

    boolean allMembersJoined() {
        if (!pendingMembers.isEmpty()) {
            return false;
        }
        for (MemberMetadata member : members.values()) {
            if (member.awaitingJoin == null) {
                return false;
            }
        }
        return true;
    }

    /** The leader's view of the members for the selected protocol. */
    List<JoinMember> joinMembers() {
        List<JoinMember> list = new ArrayList<>(members.size());
        for (MemberMetadata member : members.values()) {
            list.add(new JoinMember(member.memberId, member.groupInstanceId, member.metadataFor(protocolName)));
        }
        return list;
    }

    /** The topics live members subscribe to (consumer protocol), or null if some subscription is unreadable. */
    Set<String> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        for (MemberMetadata member : members.values()) {
            for (JoinProtocol protocol : member.protocols) {
                Set<String> parsed = ConsumerSubscription.topics(protocol.metadata());
                if (parsed == null) {
                    return null;
                }
                topics.addAll(parsed);
            }
        }
        return topics;
    }

    void addPendingCommit(TopicPartition tp) {
        pendingCommits.merge(tp, 1, Integer::sum);
    }

    void removePendingCommit(TopicPartition tp) {
        pendingCommits.computeIfPresent(tp, (key, count) -> count == 1 ? null : count - 1);
    }

    boolean hasPendingCommit(TopicPartition tp) {
        return pendingCommits.containsKey(tp);
    }

    boolean hasPendingCommits() {
        return !pendingCommits.isEmpty();
    }

    /** Partitions with a committed offset or a commit on its way to the log. */
    Set<TopicPartition> committedOrPending() {
        Set<TopicPartition> all = new HashSet<>(offsets.keySet());
        all.addAll(pendingCommits.keySet());
        return all;
    }

    /** The group as its metadata record stores it; {@code assignments} (member id to bytes), if not null, replace the members' own. */
    StoredGroup toStored(long nowMs, Map<String, byte[]> assignments) {
        List<StoredMember> stored = new ArrayList<>(members.size());
        for (MemberMetadata m : members.values()) {
            byte[] assignment = assignments == null ? m.assignment : assignments.get(m.memberId);
            stored.add(new StoredMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
                    m.sessionTimeoutMs, m.metadataFor(protocolName), assignment == null ? SyncResult.NO_ASSIGNMENT
                    : assignment));
        }
        return new StoredGroup(protocolType, generationId, protocolName, leaderId, nowMs, stored);
    }

    void cancelTimers() {
        if (joinTimer != null) {
            joinTimer.cancel();
            joinTimer = null;
        }
        for (MemberMetadata member : members.values()) {
            member.cancelExpiry();
        }
        pendingMembers.values().forEach(GroupTimer.Cancellable::cancel);
    }
}
