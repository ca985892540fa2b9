package io.fjord.protocol.broker;

import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;

import java.util.List;

/**
 * FindCoordinator: this broker coordinates every group. Transaction (and share) coordinators do
 * not exist yet: COORDINATOR_NOT_AVAILABLE. v4+ batches several keys in one request.
 */
final class FindCoordinatorHandler implements ApiHandler {
    static final byte KEY_TYPE_GROUP = 0;
    private static final short FIRST_BATCHED_VERSION = 4;

    private final BrokerState state;

    FindCoordinatorHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        FindCoordinatorRequest request = (FindCoordinatorRequest) message;
        boolean group = request.keyType() == KEY_TYPE_GROUP;
        if (group) {
            // A client finds its coordinator before its first group request: start loading it now
            // (off this thread), as Kafka creates the offsets topic on FindCoordinator.
            state.groupsOrStartLoad();
        }
        Errors error = group ? Errors.NONE : Errors.COORDINATOR_NOT_AVAILABLE;
        String why = group ? null : "Fjord has no coordinator for key type " + request.keyType() + " yet";
        FindCoordinatorResponse response = new FindCoordinatorResponse();
        if (exchange.version() < FIRST_BATCHED_VERSION) {
            response.setErrorCode(error.code()).setNodeId(group ? state.nodeId : -1)
                    .setHost(group ? state.advertisedHost : "").setPort(group ? state.advertisedPort : -1);
            if (exchange.version() >= 1) {
                response.setErrorMessage(why);
            }
        } else {
            List<String> keys = request.coordinatorKeys();
            for (String key : keys) {
                response.coordinators().add(new FindCoordinatorResponse.Coordinator().setKey(key)
                        .setNodeId(group ? state.nodeId : -1).setHost(group ? state.advertisedHost : "")
                        .setPort(group ? state.advertisedPort : -1).setErrorCode(error.code()).setErrorMessage(why));
            }
        }
        exchange.respond(response);
    }
}
