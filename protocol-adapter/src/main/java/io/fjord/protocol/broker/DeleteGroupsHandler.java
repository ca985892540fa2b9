package io.fjord.protocol.broker;

import io.fjord.log.group.GroupCoordinator;
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
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            respond(exchange, request, Map.of(), state.groupsUnavailable());
            return;
        }
        // Answered once the groups' tombstones are in the log: on a writer thread, or at once.
        groups.deleteGroups(request.groupsNames(), results -> respond(exchange, request, results, GroupError.NONE));
    }

    private static void respond(Exchange exchange, DeleteGroupsRequest request, Map<String, GroupError> results,
                                GroupError otherwise) {
        DeleteGroupsResponse response = new DeleteGroupsResponse();
        for (String groupId : request.groupsNames()) {
            response.results().add(new DeleteGroupsResponse.DeletableGroupResult().setGroupId(groupId)
                    .setErrorCode(GroupErrors.code(results.getOrDefault(groupId, otherwise))));
        }
        exchange.respond(response);
    }
}
