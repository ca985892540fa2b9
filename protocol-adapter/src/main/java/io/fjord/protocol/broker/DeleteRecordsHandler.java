package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.Partition;
import io.fjord.log.TopicNames;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.DeleteRecordsRequest;
import io.fjord.protocol.message.DeleteRecordsResponse;

/**
 * DeleteRecords: advances each partition's log start offset; -1 means "up to the high watermark".
 * Internal topics are refused with INVALID_TOPIC_EXCEPTION, as Kafka does.
 */
final class DeleteRecordsHandler implements AdminApiHandler {
    private final BrokerState state;

    DeleteRecordsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void refuse(Exchange exchange, ApiMessage message, Errors error) {
        DeleteRecordsResponse response = new DeleteRecordsResponse();
        for (DeleteRecordsRequest.DeleteRecordsTopic topic : ((DeleteRecordsRequest) message).topics()) {
            DeleteRecordsResponse.DeleteRecordsTopicResult topicResult =
                    new DeleteRecordsResponse.DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            for (DeleteRecordsRequest.DeleteRecordsPartition partition : topic.partitions()) {
                topicResult.partitions().add(new DeleteRecordsResponse.DeleteRecordsPartitionResult()
                        .setPartitionIndex(partition.partitionIndex()).setLowWatermark(-1).setErrorCode(error.code()));
            }
        }
        exchange.respond(response);
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        DeleteRecordsRequest request = (DeleteRecordsRequest) message;
        DeleteRecordsResponse response = new DeleteRecordsResponse();
        for (DeleteRecordsRequest.DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsResponse.DeleteRecordsTopicResult topicResult =
                    new DeleteRecordsResponse.DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            for (DeleteRecordsRequest.DeleteRecordsPartition requested : topic.partitions()) {
                DeleteRecordsResponse.DeleteRecordsPartitionResult result =
                        new DeleteRecordsResponse.DeleteRecordsPartitionResult()
                                .setPartitionIndex(requested.partitionIndex()).setLowWatermark(-1);
                topicResult.partitions().add(result);
                if (TopicNames.isReserved(topic.name())) {
                    result.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code()); // Kafka's answer
                    continue;
                }
                try {
                    Partition partition = state.engine.partition(topic.name(), requested.partitionIndex());
                    long offset = requested.offset() == -1 ? partition.latestOffset() : requested.offset();
                    partition.deleteRecords(offset);
                    result.setLowWatermark(partition.earliestOffset());
                } catch (FjordException e) {
                    result.setErrorCode(ErrorMapper.toError(e).code());
                }
            }
        }
        exchange.respond(response);
    }
}
