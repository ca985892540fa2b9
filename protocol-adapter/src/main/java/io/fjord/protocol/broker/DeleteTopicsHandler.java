package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.TopicNames;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.DeleteTopicsRequest;
import io.fjord.protocol.message.DeleteTopicsResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * DeleteTopics by name (topic ids are not assigned yet, so v6 is not advertised). Internal topics
 * ({@link TopicNames#isReserved}) are refused with INVALID_REQUEST: the group coordinator's offsets
 * live in {@code __consumer_offsets}.
 */
final class DeleteTopicsHandler implements AdminApiHandler {
    private final BrokerState state;

    DeleteTopicsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void refuse(Exchange exchange, ApiMessage message, Errors error) {
        DeleteTopicsResponse response = new DeleteTopicsResponse();
        for (String name : ((DeleteTopicsRequest) message).topicNames()) {
            response.responses().add(new DeleteTopicsResponse.DeletableTopicResult().setName(name)
                    .setErrorCode(error.code())
                    .setErrorMessage(exchange.version() >= 5 ? CreateTopicsHandler.REFUSED : null));
        }
        exchange.respond(response);
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        DeleteTopicsRequest request = (DeleteTopicsRequest) message;
        List<String> names = new ArrayList<>(request.topicNames());
        DeleteTopicsResponse response = new DeleteTopicsResponse();
        for (String name : names) {
            DeleteTopicsResponse.DeletableTopicResult result = new DeleteTopicsResponse.DeletableTopicResult()
                    .setName(name);
            response.responses().add(result);
            if (TopicNames.isReserved(name)) {
                result.setErrorCode(Errors.INVALID_REQUEST.code());
                if (exchange.version() >= 5) {
                    result.setErrorMessage("Deletion of internal topic " + name + " is prohibited.");
                }
                continue;
            }
            try {
                state.engine.deleteTopic(name);
            } catch (FjordException e) {
                result.setErrorCode(ErrorMapper.toError(e).code());
                if (exchange.version() >= 5) {
                    result.setErrorMessage(e.getMessage());
                }
            }
        }
        exchange.respond(response);
    }
}
