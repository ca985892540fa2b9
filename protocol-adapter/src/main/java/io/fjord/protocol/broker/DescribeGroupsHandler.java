package io.fjord.protocol.broker;

import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupDescription;
import io.fjord.log.group.MemberDescription;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsResponse;

import java.util.List;

/** DescribeGroups: state, protocol and members with their subscription and assignment bytes. */
final class DescribeGroupsHandler implements ApiHandler {
    private final BrokerState state;

    DescribeGroupsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        DescribeGroupsRequest request = (DescribeGroupsRequest) message;
        DescribeGroupsResponse response = new DescribeGroupsResponse();
        GroupCoordinator groups = state.groupsOrStartLoad();
        for (String groupId : request.groups()) {
            GroupDescription description = groups != null ? groups.describeGroup(groupId)
                    : new GroupDescription(state.groupsUnavailable(), groupId, "", "", "", List.of());
            DescribeGroupsResponse.DescribedGroup group = new DescribeGroupsResponse.DescribedGroup()
                    .setGroupId(groupId).setErrorCode(GroupErrors.code(description.error()))
                    .setGroupState(description.state())
                    .setProtocolType(description.protocolType() == null ? "" : description.protocolType())
                    .setProtocolData(description.protocolName() == null ? "" : description.protocolName());
            for (MemberDescription member : description.members()) {
                DescribeGroupsResponse.DescribedGroupMember described = new DescribeGroupsResponse.DescribedGroupMember()
                        .setMemberId(member.memberId()).setClientId(member.clientId())
                        .setClientHost(member.clientHost()).setMemberMetadata(member.metadata())
                        .setMemberAssignment(member.assignment());
                if (exchange.version() >= 4) {
                    described.setGroupInstanceId(member.groupInstanceId());
                }
                group.members().add(described);
            }
            response.groups().add(group);
        }
        exchange.respond(response);
    }
}
