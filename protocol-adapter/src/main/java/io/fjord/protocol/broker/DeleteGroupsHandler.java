package io.fjord.protocol.broker;

import io.fjord.log.group.GroupError;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DeleteGroupsResponse;

import java.util.Map;

/** DeleteGroups: empty groups only, with their committed offsets. */
final class DeleteGroupsHandler implements ApiHandler {
    private final BrokerState state;

    DeleteGroupsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        DeleteGroupsRequest request = (DeleteGroupsRequest) message;
        Map<String, GroupError> results = state.groups().deleteGroups(request.groupsNames());
        DeleteGroupsResponse response = new DeleteGroupsResponse();
        for (String groupId : request.groupsNames()) {
            response.results().add(new DeleteGroupsResponse.DeletableGroupResult().setGroupId(groupId)
                    .setErrorCode(GroupErrors.code(results.getOrDefault(groupId, GroupError.NONE))));
        }
        exchange.respond(response);
    }
}
