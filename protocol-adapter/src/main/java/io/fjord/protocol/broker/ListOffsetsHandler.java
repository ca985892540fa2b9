package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.Partition;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.ListOffsetsRequest;
import io.fjord.protocol.message.ListOffsetsResponse;

/**
 * ListOffsets: earliest (-2), latest (-1), or the first offset at or after a timestamp (the time
 * index). An offset by time that does not exist answers offset -1 and timestamp -1, as Kafka does.
 */
final class ListOffsetsHandler implements ApiHandler {
    static final long EARLIEST_TIMESTAMP = -2;
    static final long LATEST_TIMESTAMP = -1;

    private final BrokerState state;

    ListOffsetsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        ListOffsetsRequest request = (ListOffsetsRequest) message;
        ListOffsetsResponse response = new ListOffsetsResponse();
        for (ListOffsetsRequest.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsResponse.ListOffsetsTopicResponse topicResponse =
                    new ListOffsetsResponse.ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (ListOffsetsRequest.ListOffsetsPartition requested : topic.partitions()) {
                ListOffsetsResponse.ListOffsetsPartitionResponse result =
                        new ListOffsetsResponse.ListOffsetsPartitionResponse()
                                .setPartitionIndex(requested.partitionIndex())
                                .setTimestamp(-1).setOffset(-1);
                topicResponse.partitions().add(result);
                try {
                    Partition partition = state.engine.partition(topic.name(), requested.partitionIndex());
                    long timestamp = requested.timestamp();
                    if (timestamp == EARLIEST_TIMESTAMP) {
                        result.setOffset(partition.earliestOffset());
                    } else if (timestamp == LATEST_TIMESTAMP) {
                        result.setOffset(partition.latestOffset());
                    } else if (timestamp >= 0) {
                        long offset = partition.offsetForTimestamp(timestamp);
                        if (offset >= 0) {
                            result.setOffset(offset).setTimestamp(timestampAt(partition, offset));
                        }
                    } else {
                        result.setErrorCode(io.fjord.protocol.Errors.UNSUPPORTED_VERSION.code());
                    }
                    if (result.offset() >= 0 && exchange.version() >= 4) {
                        result.setLeaderEpoch(0);
                    }
                } catch (FjordException e) {
                    result.setErrorCode(ErrorMapper.toError(e).code());
                }
            }
        }
        exchange.respond(response);
    }

    private static long timestampAt(Partition partition, long offset) {
        long[] timestamp = {-1};
        try (io.fjord.log.LogReader reader = partition.reader(offset)) {
            reader.poll(record -> timestamp[0] = record.timestamp(), 1);
        } catch (UnsupportedOperationException compressed) {
            // a compressed batch: Kafka would decompress; the offset alone is still right
        }
        return timestamp[0];
    }
}
