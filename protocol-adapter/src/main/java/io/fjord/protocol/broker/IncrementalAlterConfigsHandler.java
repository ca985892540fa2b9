package io.fjord.protocol.broker;

import io.fjord.log.InvalidConfigException;
import io.fjord.log.TopicConfig;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest;
import io.fjord.protocol.message.IncrementalAlterConfigsResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IncrementalAlterConfigs on topics: SET (0), DELETE (1) back to the default, and APPEND (2) /
 * SUBTRACT (3) on list configs ({@code cleanup.policy}).
 */
final class IncrementalAlterConfigsHandler implements AdminApiHandler {
    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;
    private static final byte SUBTRACT = 3;

    private final BrokerState state;

    IncrementalAlterConfigsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void refuse(Exchange exchange, ApiMessage message, Errors error) {
        IncrementalAlterConfigsResponse response = new IncrementalAlterConfigsResponse();
        for (IncrementalAlterConfigsRequest.AlterConfigsResource resource
                : ((IncrementalAlterConfigsRequest) message).resources()) {
            response.responses().add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                    .setErrorCode(error.code()).setErrorMessage(CreateTopicsHandler.REFUSED));
        }
        exchange.respond(response);
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        IncrementalAlterConfigsRequest request = (IncrementalAlterConfigsRequest) message;
        IncrementalAlterConfigsResponse response = new IncrementalAlterConfigsResponse();
        for (IncrementalAlterConfigsRequest.AlterConfigsResource resource : request.resources()) {
            IncrementalAlterConfigsResponse.AlterConfigsResourceResponse result =
                    new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse()
                            .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            ConfigsSupport.AlterError error = ConfigsSupport.alterTopic(state, resource.resourceType(),
                    resource.resourceName(), request.validateOnly(), current -> {
                        TopicConfig config = current;
                        for (IncrementalAlterConfigsRequest.AlterableConfig change : resource.configs()) {
                            config = apply(config, change);
                        }
                        return config;
                    });
            if (error != null) {
                result.setErrorCode(error.code()).setErrorMessage(error.message());
            }
        }
        exchange.respond(response);
    }

    private static TopicConfig apply(TopicConfig config, IncrementalAlterConfigsRequest.AlterableConfig change) {
        String name = change.name();
        switch (change.configOperation()) {
            case SET:
                return config.with(name, change.value());
            case DELETE:
                if (!TopicConfig.names().contains(name)) {
                    throw new InvalidConfigException("Unknown topic config '" + name + "'");
                }
                return config.without(name);
            case APPEND:
            case SUBTRACT:
                if (!TopicConfig.isList(name)) {
                    throw new InvalidConfigException("APPEND and SUBTRACT apply to list configs only, not " + name);
                }
                List<String> values = new ArrayList<>();
                for (String value : config.value(name).split(",")) {
                    if (!value.isBlank()) { // an empty list's value is ""
                        values.add(value.trim());
                    }
                }
                for (String value : change.value() == null ? new String[0] : change.value().split(",")) {
                    value = value.trim();
                    if (change.configOperation() == APPEND && !values.contains(value)) {
                        values.add(value);
                    } else if (change.configOperation() == SUBTRACT) {
                        values.remove(value);
                    }
                }
                return config.with(name, String.join(",", values));
            default:
                throw new InvalidConfigException("Unknown config operation " + change.configOperation());
        }
    }
}
