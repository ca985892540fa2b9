package io.fjord.protocol.broker;

import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupListing;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;

import java.util.HashSet;
import java.util.Set;

/** ListGroups, with the state (v4+) and type (v5+) filters; every group here is "classic". */
final class ListGroupsHandler implements ApiHandler {
    private static final String CLASSIC = "classic";

    private final BrokerState state;

    ListGroupsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        ListGroupsRequest request = (ListGroupsRequest) message;
        short version = exchange.version();
        Set<String> states = version >= 4 ? new HashSet<>(request.statesFilter()) : Set.of();
        Set<String> types = version >= 5 ? new HashSet<>(request.typesFilter()) : Set.of();
        ListGroupsResponse response = new ListGroupsResponse();
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            exchange.respond(response.setErrorCode(GroupErrors.code(state.groupsUnavailable())));
            return;
        }
        boolean classicWanted = types.isEmpty() || types.stream().anyMatch(CLASSIC::equalsIgnoreCase);
        if (classicWanted) {
            for (GroupListing group : groups.listGroups(states, Set.of())) {
                ListGroupsResponse.ListedGroup listed = new ListGroupsResponse.ListedGroup()
                        .setGroupId(group.groupId()).setProtocolType(group.protocolType());
                if (version >= 4) {
                    listed.setGroupState(group.state());
                }
                if (version >= 5) {
                    listed.setGroupType(CLASSIC);
                }
                response.groups().add(listed);
            }
        }
        exchange.respond(response);
    }
}
