package io.fjord.protocol.broker;

import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.SyncRequest;
import io.fjord.log.group.SyncResult;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.SyncGroupResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** SyncGroup: the leader's assignments are stored opaquely; each member gets its own when all is set. */
final class SyncGroupHandler implements ApiHandler {
    private static final byte[] NO_ASSIGNMENT = new byte[0];

    private final BrokerState state;

    SyncGroupHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        SyncGroupRequest request = (SyncGroupRequest) message;
        short version = exchange.version();
        Map<String, byte[]> assignments = new LinkedHashMap<>();
        for (SyncGroupRequest.SyncGroupRequestAssignment assignment : request.assignments()) {
            assignments.put(assignment.memberId(), assignment.assignment());
        }
        SyncRequest sync = new SyncRequest(request.groupId(), request.generationId(), request.memberId(),
                request.groupInstanceId(), request.protocolType(), request.protocolName(), assignments);
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            respond(exchange, version, SyncResult.error(state.groupsUnavailable()));
            return;
        }
        // Answered when the leader's assignment is stored: on a writer thread, or at once on this one.
        groups.syncGroup(sync, result -> respond(exchange, version, result));
    }

    private static void respond(Exchange exchange, short version, SyncResult result) {
        SyncGroupResponse response = new SyncGroupResponse().setErrorCode(GroupErrors.code(result.error()))
                .setAssignment(result.assignment() == null ? NO_ASSIGNMENT : result.assignment());
        if (version >= 5) {
            response.setProtocolType(result.protocolType()).setProtocolName(result.protocolName());
        }
        exchange.respond(response);
    }
}
