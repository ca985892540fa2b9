package io.fjord.protocol.broker;

import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupError;
import io.fjord.log.group.LeaveMember;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.LeaveGroupResponse;

import java.util.ArrayList;
import java.util.List;

/** LeaveGroup: one member (v0-2) or a batch of members (v3+) leave, which triggers a rebalance. */
final class LeaveGroupHandler implements ApiHandler {
    private static final short FIRST_BATCHED_VERSION = 3;

    private final BrokerState state;

    LeaveGroupHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        LeaveGroupRequest request = (LeaveGroupRequest) message;
        LeaveGroupResponse response = new LeaveGroupResponse();
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            exchange.respond(response.setErrorCode(GroupErrors.code(state.groupsUnavailable())));
            return;
        }
        if (exchange.version() < FIRST_BATCHED_VERSION) {
            List<GroupError> errors = groups.leaveGroup(request.groupId(),
                    List.of(new LeaveMember(request.memberId(), null)));
            exchange.respond(response.setErrorCode(GroupErrors.code(errors.get(0))));
            return;
        }
        List<LeaveMember> members = new ArrayList<>();
        for (LeaveGroupRequest.MemberIdentity member : request.members()) {
            members.add(new LeaveMember(member.memberId(), member.groupInstanceId()));
        }
        List<GroupError> errors = groups.leaveGroup(request.groupId(), members);
        for (int i = 0; i < members.size(); i++) {
            response.members().add(new LeaveGroupResponse.MemberResponse().setMemberId(members.get(i).memberId())
                    .setGroupInstanceId(members.get(i).groupInstanceId()).setErrorCode(GroupErrors.code(errors.get(i))));
        }
        exchange.respond(response);
    }
}
