package io.fjord.protocol.broker;

import io.fjord.log.TopicConfig;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.AlterConfigsRequest;
import io.fjord.protocol.message.AlterConfigsResponse;

import java.util.HashMap;
import java.util.Map;

/** AlterConfigs: replaces a topic's whole set of own configs (Kafka's semantics). Broker configs are static. */
final class AlterConfigsHandler implements AdminApiHandler {
    private final BrokerState state;

    AlterConfigsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void refuse(Exchange exchange, ApiMessage message, Errors error) {
        AlterConfigsResponse response = new AlterConfigsResponse();
        for (AlterConfigsRequest.AlterConfigsResource resource : ((AlterConfigsRequest) message).resources()) {
            response.responses().add(new AlterConfigsResponse.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                    .setErrorCode(error.code()).setErrorMessage(CreateTopicsHandler.REFUSED));
        }
        exchange.respond(response);
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        AlterConfigsRequest request = (AlterConfigsRequest) message;
        AlterConfigsResponse response = new AlterConfigsResponse();
        for (AlterConfigsRequest.AlterConfigsResource resource : request.resources()) {
            AlterConfigsResponse.AlterConfigsResourceResponse result = new AlterConfigsResponse.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            Map<String, String> configs = new HashMap<>();
            for (AlterConfigsRequest.AlterableConfig config : resource.configs()) {
                configs.put(config.name(), config.value());
            }
            ConfigsSupport.AlterError error = ConfigsSupport.alterTopic(state, resource.resourceType(),
                    resource.resourceName(), request.validateOnly(), current -> TopicConfig.of(configs));
            if (error != null) {
                result.setErrorCode(error.code()).setErrorMessage(error.message());
            }
        }
        exchange.respond(response);
    }
}
