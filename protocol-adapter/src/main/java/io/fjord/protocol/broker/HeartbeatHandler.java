package io.fjord.protocol.broker;

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
        exchange.respond(new HeartbeatResponse().setErrorCode(GroupErrors.code(state.groups().heartbeat(
                request.groupId(), request.memberId(), request.groupInstanceId(), request.generationId()))));
    }
}
