package io.fjord.protocol.broker;

import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupError;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;

/** Heartbeat: keeps a member alive; REBALANCE_IN_PROGRESS tells it to rejoin. */
final class HeartbeatHandler implements ApiHandler {
    private final BrokerState state;

    HeartbeatHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        HeartbeatRequest request = (HeartbeatRequest) message;
        GroupCoordinator groups = state.groupsOrStartLoad();
        if (groups == null) {
            // Kafka answers a heartbeat "blindly" with NONE while the coordinator loads, so members
            // are not made to rejoin by a load; anything else is said as is.
            GroupError error = state.groupsUnavailable();
            exchange.respond(new HeartbeatResponse().setErrorCode(GroupErrors.code(
                    error == GroupError.COORDINATOR_LOAD_IN_PROGRESS ? GroupError.NONE : error)));
            return;
        }
        exchange.respond(new HeartbeatResponse().setErrorCode(GroupErrors.code(groups.heartbeat(
                request.groupId(), request.memberId(), request.groupInstanceId(), request.generationId()))));
    }
}
