package io.fjord.client;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupError;
import io.fjord.log.group.JoinProtocol;
import io.fjord.log.group.JoinRequest;
import io.fjord.log.group.JoinResult;
import io.fjord.log.group.LeaveMember;
import io.fjord.log.group.SyncRequest;
import io.fjord.log.group.SyncResult;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * One consumer's membership in a classic ("consumer" protocol type) group on the engine's shared
 * coordinator, with Kafka's eager rebalance protocol: JoinGroup, then SyncGroup (the leader
 * computes the assignment), then heartbeats until the coordinator says REBALANCE_IN_PROGRESS.
 *
 * <p>The coordinator answers joins by callback, possibly much later (a join waits for every member
 * to rejoin), so this is a state machine that {@link #progress} advances a little on each poll
 * and never blocks past the poll's deadline: two consumers polled in turn by one thread can still
 * form a group, as with KafkaConsumer.
 *
 * <p>Thread safety: owned by the polling thread, except {@link #heartbeatOnce} (heartbeat thread)
 * which reads the volatile identity fields and only sets {@link #rejoinNeeded}.
 */
final class GroupMember {
    enum State { UNJOINED, JOINING, SYNCING, STABLE }

    /** Slice of a wait on the coordinator, so wakeup() is noticed within this many ms. */
    private static final long WAIT_SLICE_MS = 50;

    private final GroupCoordinator coordinator;
    private final String groupId;
    private final String groupInstanceId;
    private final String clientId;
    private final int sessionTimeoutMs;
    private final int rebalanceTimeoutMs;
    private final List<ConsumerPartitionAssignor> assignors;
    private final GroupAssignmentPlanner planner;
    private final DataSignal signal;

    private volatile String memberId = "";
    private volatile int generation = -1;
    private volatile State state = State.UNJOINED;
    private volatile boolean rejoinNeeded = true;
    private volatile boolean memberUnknown;
    private CompletableFuture<JoinResult> pendingJoin;
    private CompletableFuture<SyncResult> pendingSync;
    private String protocolName;

    GroupMember(GroupCoordinator coordinator, String groupId, String groupInstanceId, String clientId,
                int sessionTimeoutMs, int rebalanceTimeoutMs, List<ConsumerPartitionAssignor> assignors,
                GroupAssignmentPlanner planner, DataSignal signal) {
        if (assignors.isEmpty()) {
            throw new KafkaException("partition.assignment.strategy names no assignor");
        }
        this.coordinator = coordinator;
        this.groupId = groupId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.assignors = assignors;
        this.planner = planner;
        this.signal = signal;
    }

    /** True when the next {@link #progress} will start a new join: the caller revokes what it owns first. */
    boolean aboutToRejoin() {
        return state == State.UNJOINED || (state == State.STABLE && rejoinNeeded);
    }

    boolean isStable() {
        return state == State.STABLE && !rejoinNeeded;
    }

    void requestRejoin() {
        rejoinNeeded = true;
        signal.signal();
    }

    String memberId() {
        return memberId;
    }

    /** The generation commits must carry; -1 while not a full member. */
    int generation() {
        return state == State.STABLE ? generation : -1;
    }

    ConsumerGroupMetadata metadata() {
        return new ConsumerGroupMetadata(groupId, generation, memberId, Optional.ofNullable(groupInstanceId));
    }

    /**
     * Advances the join/sync exchange until {@code deadlineNs}. Returns the new assignment when a
     * rebalance completes in this call, else null (still in progress, or already stable).
     *
     * @param wakeupCheck throws WakeupException if wakeup() was called
     */
    List<TopicPartition> progress(List<String> topics, long deadlineNs, Runnable wakeupCheck) {
        while (true) {
            if (aboutToRejoin()) {
                if (memberUnknown) {
                    memberId = "";
                    memberUnknown = false;
                }
                sendJoin(topics);
            }
            if (state == State.STABLE) {
                return null;
            }
            if (state == State.JOINING) {
                JoinResult join = await(pendingJoin, deadlineNs, wakeupCheck);
                if (join == null) {
                    return null;
                }
                onJoined(join);
            } else {
                SyncResult sync = await(pendingSync, deadlineNs, wakeupCheck);
                if (sync == null) {
                    return null;
                }
                List<TopicPartition> assigned = onSynced(sync);
                if (assigned != null) {
                    return assigned;
                }
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                return null;
            }
        }
    }

    private void sendJoin(List<String> topics) {
        List<JoinProtocol> protocols = new ArrayList<>(assignors.size());
        List<String> sorted = new ArrayList<>(topics);
        sorted.sort(null); // Kafka sends the subscription sorted
        for (ConsumerPartitionAssignor assignor : assignors) {
            ByteBuffer userData = assignor.subscriptionUserData(new java.util.HashSet<>(sorted));
            // Eager protocol: nothing is owned while joining, so no owned partitions are sent.
            Subscription subscription = new Subscription(sorted, userData, List.of());
            protocols.add(new JoinProtocol(assignor.name(),
                    Utils.toArray(ConsumerProtocol.serializeSubscription(subscription))));
        }
        CompletableFuture<JoinResult> future = new CompletableFuture<>();
        pendingJoin = future;
        state = State.JOINING;
        rejoinNeeded = false;
        coordinator.joinGroup(new JoinRequest(groupId, memberId, groupInstanceId, clientId, "localhost",
                sessionTimeoutMs, rebalanceTimeoutMs, ConsumerProtocol.PROTOCOL_TYPE, protocols, false), result -> {
            future.complete(result);
            signal.signal();
        });
    }

    private void onJoined(JoinResult join) {
        switch (join.error()) {
            case NONE -> {
                memberId = join.memberId();
                generation = join.generationId();
                protocolName = join.protocolName();
                Map<String, byte[]> assignments = Map.of();
                if (memberId.equals(join.leaderId())) {
                    assignments = planner.assign(assignor(protocolName), join.members());
                }
                CompletableFuture<SyncResult> future = new CompletableFuture<>();
                pendingSync = future;
                state = State.SYNCING;
                coordinator.syncGroup(new SyncRequest(groupId, generation, memberId, groupInstanceId,
                        ConsumerProtocol.PROTOCOL_TYPE, protocolName, assignments), result -> {
                    future.complete(result);
                    signal.signal();
                });
            }
            case MEMBER_ID_REQUIRED -> {
                memberId = join.memberId();
                state = State.UNJOINED;
            }
            case UNKNOWN_MEMBER_ID -> {
                memberId = "";
                state = State.UNJOINED;
            }
            case REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, COORDINATOR_NOT_AVAILABLE -> state = State.UNJOINED;
            default -> {
                state = State.UNJOINED;
                throw GroupErrors.forGroup(join.error(), groupId);
            }
        }
    }

    private List<TopicPartition> onSynced(SyncResult sync) {
        if (sync.error() != GroupError.NONE) {
            if (sync.error() == GroupError.UNKNOWN_MEMBER_ID) {
                memberId = "";
            }
            state = State.UNJOINED; // REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, ...: join again
            if (sync.error() == GroupError.FENCED_INSTANCE_ID) {
                throw GroupErrors.forGroup(sync.error(), groupId);
            }
            return null;
        }
        Assignment assignment = sync.assignment().length == 0 ? new Assignment(List.of())
                : ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(sync.assignment()));
        state = State.STABLE;
        assignor(protocolName).onAssignment(assignment, metadata());
        return assignment.partitions();
    }

    private ConsumerPartitionAssignor assignor(String name) {
        for (ConsumerPartitionAssignor assignor : assignors) {
            if (assignor.name().equals(name)) {
                return assignor;
            }
        }
        throw new KafkaException("Coordinator chose protocol " + name + " which this consumer did not offer");
    }

    private static <T> T await(CompletableFuture<T> future, long deadlineNs, Runnable wakeupCheck) {
        while (true) {
            wakeupCheck.run();
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            try {
                return future.get(Math.max(0, Math.min(leftMs, WAIT_SLICE_MS)), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (leftMs <= WAIT_SLICE_MS) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            } catch (ExecutionException e) {
                throw new KafkaException(e.getCause());
            }
        }
    }

    /** One heartbeat; on the heartbeat thread. Only records that a rejoin is due. */
    void heartbeatOnce() {
        State s = state;
        String id = memberId;
        if ((s != State.STABLE && s != State.SYNCING) || id.isEmpty()) {
            return;
        }
        GroupError error = coordinator.heartbeat(groupId, id, groupInstanceId, generation);
        switch (error) {
            case NONE -> { }
            case UNKNOWN_MEMBER_ID -> {
                memberUnknown = true;
                requestRejoin();
            }
            case REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION -> {
                if (s == State.STABLE) {
                    requestRejoin();
                }
            }
            default -> { } // coordinator closing: the next join reports it
        }
    }

    /** Leaves the group (not for static members, which Kafka keeps across restarts). */
    void leave() {
        String id = memberId;
        if (!id.isEmpty() && groupInstanceId == null) {
            coordinator.leaveGroup(groupId, List.of(new LeaveMember(id, null)));
        }
        state = State.UNJOINED;
        rejoinNeeded = true;
        memberId = "";
        generation = -1;
    }
}
