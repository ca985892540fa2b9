package io.fjord.protocol.broker;

import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.DescribeClusterResponse;

/** DescribeCluster: one broker, which is also the controller. */
final class DescribeClusterHandler implements ApiHandler {
    private final BrokerState state;

    DescribeClusterHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage request) {
        DescribeClusterResponse response = new DescribeClusterResponse()
                .setClusterId(state.clusterId)
                .setControllerId(state.nodeId);
        response.brokers().add(new DescribeClusterResponse.DescribeClusterBroker()
                .setBrokerId(state.nodeId).setHost(state.advertisedHost).setPort(state.advertisedPort));
        exchange.respond(response);
    }
}
