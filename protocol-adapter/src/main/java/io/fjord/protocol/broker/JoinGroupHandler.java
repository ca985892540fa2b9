package io.fjord.protocol.broker;

import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.JoinMember;
import io.fjord.log.group.JoinProtocol;
import io.fjord.log.group.JoinRequest;
import io.fjord.log.group.JoinResult;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;

import java.util.ArrayList;
import java.util.List;

/** JoinGroup: answered when the group's join phase completes (a rebalance), not at once. */
final class JoinGroupHandler implements ApiHandler {
    private final BrokerState state;

    JoinGroupHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        JoinGroupRequest request = (JoinGroupRequest) message;
        short version = exchange.version();
        List<JoinProtocol> protocols = new ArrayList<>();
        for (JoinGroupRequest.JoinGroupRequestProtocol protocol : request.protocols()) {
            protocols.add(new JoinProtocol(protocol.name(), protocol.metadata()));
        }
        JoinRequest join = new JoinRequest(request.groupId(), request.memberId(), request.groupInstanceId(),
                exchange.clientId(), exchange.clientHost(), request.sessionTimeoutMs(),
                version >= 1 ? request.rebalanceTimeoutMs() : -1, request.protocolType(), protocols, version >= 4);
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            respond(exchange, version, JoinResult.error(state.groupsUnavailable(), request.memberId()));
            return;
        }
        groups.joinGroup(join, result -> respond(exchange, version, result));
    }

    private static void respond(Exchange exchange, short version, JoinResult result) {
        JoinGroupResponse response = new JoinGroupResponse()
                .setErrorCode(GroupErrors.code(result.error()))
                .setGenerationId(result.generationId())
                .setProtocolName(result.protocolName() == null && version < 7 ? "" : result.protocolName())
                .setLeader(result.leaderId() == null ? "" : result.leaderId())
                .setMemberId(result.memberId() == null ? "" : result.memberId());
        if (version >= 7) {
            response.setProtocolType(result.protocolType());
        }
        for (JoinMember member : result.members()) {
            JoinGroupResponse.JoinGroupResponseMember entry = new JoinGroupResponse.JoinGroupResponseMember()
                    .setMemberId(member.memberId()).setMetadata(member.metadata());
            if (version >= 5) {
                entry.setGroupInstanceId(member.groupInstanceId());
            }
            response.members().add(entry);
        }
        exchange.respond(response);
    }
}
