package io.fjord.log.group;

import java.util.List;

/**
 * A JoinGroup request. {@code memberId} is "" for a new member; {@code rebalanceTimeoutMs} is -1
 * for JoinGroup v0 (the session timeout is used); {@code requireKnownMemberId} is set by
 * JoinGroup v4+ clients, which must rejoin with the member id handed out in MEMBER_ID_REQUIRED.
 */
public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId, String clientHost,
                          int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                          List<JoinProtocol> protocols, boolean requireKnownMemberId) {
}
