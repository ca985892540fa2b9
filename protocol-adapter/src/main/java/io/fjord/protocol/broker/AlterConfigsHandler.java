package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.TopicConfig;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.AlterConfigsRequest;
import io.fjord.protocol.message.AlterConfigsResponse;

import java.util.HashMap;
import java.util.Map;

/** AlterConfigs: replaces a topic's whole set of own configs (Kafka's semantics). Broker configs are static. */
final class AlterConfigsHandler implements ApiHandler {
    private final BrokerState state;

    AlterConfigsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        AlterConfigsRequest request = (AlterConfigsRequest) message;
        AlterConfigsResponse response = new AlterConfigsResponse();
        for (AlterConfigsRequest.AlterConfigsResource resource : request.resources()) {
            AlterConfigsResponse.AlterConfigsResourceResponse result = new AlterConfigsResponse.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            if (resource.resourceType() != ConfigsSupport.RESOURCE_TOPIC) {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Only topic configs can be altered; broker configs are static");
                continue;
            }
            try {
                Map<String, String> configs = new HashMap<>();
                for (AlterConfigsRequest.AlterableConfig config : resource.configs()) {
                    configs.put(config.name(), config.value());
                }
                TopicConfig replacement = TopicConfig.of(configs);
                state.engine.topicConfig(resource.resourceName()); // the topic must exist
                if (!request.validateOnly()) {
                    state.engine.alterTopicConfig(resource.resourceName(), replacement);
                }
            } catch (FjordException e) {
                result.setErrorCode(ErrorMapper.toError(e).code()).setErrorMessage(e.getMessage());
            }
        }
        exchange.respond(response);
    }
}
