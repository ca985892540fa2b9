package io.fjord.log.group;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One member of a {@link ClassicGroup}: identity, timeouts, supported protocols, its assignment
 * and the callbacks of its in-flight JoinGroup/SyncGroup. Not thread-safe: guarded by the
 * lock of the group that holds it.
 */
final class MemberMetadata {
    final String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<JoinProtocol> protocols;
    byte[] assignment = SyncResult.NO_ASSIGNMENT;
    /** Set while the member waits in the join phase: this is also "has rejoined this round". */
    Consumer<JoinResult> awaitingJoin;
    Consumer<SyncResult> awaitingSync;
    long lastHeartbeatMs;
    GroupTimer.Cancellable expiryTask;

    MemberMetadata(String memberId, String groupInstanceId, String clientId, String clientHost, int sessionTimeoutMs,
                   int rebalanceTimeoutMs, List<JoinProtocol> protocols, long nowMs) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocols = List.copyOf(protocols);
        this.lastHeartbeatMs = nowMs;
    }

    /** The subscription metadata for {@code protocolName}, or null if the member does not support it. */
    byte[] metadataFor(String protocolName) {
        for (JoinProtocol protocol : protocols) {
            if (protocol.name().equals(protocolName)) {
                return protocol.metadata();
            }
        }
        return null;
    }

    boolean supports(String protocolName) {
        return metadataFor(protocolName) != null;
    }

    /** Same protocols, in the same order, with the same metadata: a rejoin that needs no rebalance. */
    boolean matches(List<JoinProtocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            JoinProtocol a = protocols.get(i);
            JoinProtocol b = other.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    /** Waiting on the coordinator: its session is not ticking (Kafka keeps such members alive too). */
    boolean isKeptAlive() {
        return awaitingJoin != null || awaitingSync != null;
    }

    void cancelExpiry() {
        if (expiryTask != null) {
            expiryTask.cancel();
            expiryTask = null;
        }
    }
}
