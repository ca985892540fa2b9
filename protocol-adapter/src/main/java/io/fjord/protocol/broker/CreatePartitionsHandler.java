package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.InvalidTopicException;
import io.fjord.log.TopicNames;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.CreatePartitionsRequest;
import io.fjord.protocol.message.CreatePartitionsResponse;

/** CreatePartitions: raises a topic's partition count (validate_only supported). */
final class CreatePartitionsHandler implements AdminApiHandler {
    private final BrokerState state;

    CreatePartitionsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void refuse(Exchange exchange, ApiMessage message, Errors error) {
        CreatePartitionsResponse response = new CreatePartitionsResponse();
        for (CreatePartitionsRequest.CreatePartitionsTopic topic : ((CreatePartitionsRequest) message).topics()) {
            response.results().add(new CreatePartitionsResponse.CreatePartitionsTopicResult().setName(topic.name())
                    .setErrorCode(error.code()).setErrorMessage(CreateTopicsHandler.REFUSED));
        }
        exchange.respond(response);
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        CreatePartitionsRequest request = (CreatePartitionsRequest) message;
        CreatePartitionsResponse response = new CreatePartitionsResponse();
        for (CreatePartitionsRequest.CreatePartitionsTopic topic : request.topics()) {
            CreatePartitionsResponse.CreatePartitionsTopicResult result =
                    new CreatePartitionsResponse.CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            if (TopicNames.isReserved(topic.name())) {
                // Group ids map to __consumer_offsets partitions by the partition count: it never changes.
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Adding partitions to internal topic " + topic.name() + " is prohibited.");
                continue;
            }
            try {
                int current = state.engine.partitionCount(topic.name());
                if (topic.count() <= current) {
                    result.setErrorCode(Errors.INVALID_PARTITIONS.code()).setErrorMessage("Topic currently has "
                            + current + " partitions, which is higher than the requested " + topic.count() + ".");
                } else if (!request.validateOnly()) {
                    state.engine.createPartitions(topic.name(), topic.count());
                }
            } catch (InvalidTopicException e) {
                result.setErrorCode(Errors.INVALID_PARTITIONS.code()).setErrorMessage(e.getMessage());
            } catch (FjordException e) {
                result.setErrorCode(ErrorMapper.toError(e).code()).setErrorMessage(e.getMessage());
            }
        }
        exchange.respond(response);
    }
}
