package io.fjord.protocol.broker;

import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.metrics.ApiRequestMetrics;
import io.fjord.protocol.metrics.TopicTraffic;

/**
 * What a response tells the metrics, read once when it is answered: the partition errors of Produce
 * and Fetch (Kafka's ErrorsPerSec counts each error in a response) and the record bytes a fetch
 * sends per topic (BytesOutPerSec). Other APIs' responses are not inspected: their errors are
 * counted only when the request is refused or its handler fails.
 */
final class ResponseAccounting {
    private ResponseAccounting() {
    }

    static void count(ApiMessage response, ApiRequestMetrics api, TopicTraffic topics) {
        if (response instanceof ProduceResponse produce) {
            for (ProduceResponse.TopicProduceResponse topic : produce.responses()) {
                for (ProduceResponse.PartitionProduceResponse partition : topic.partitionResponses()) {
                    countError(api, partition.errorCode());
                }
            }
        } else if (response instanceof FetchResponse fetch) {
            countError(api, fetch.errorCode());
            for (FetchResponse.FetchableTopicResponse topic : fetch.responses()) {
                for (FetchResponse.PartitionData partition : topic.partitions()) {
                    countError(api, partition.errorCode());
                    int bytes = partition.records() == null ? 0 : partition.records().sizeInBytes();
                    if (bytes > 0 && topic.topic() != null) {
                        topics.fetched(topic.topic(), bytes);
                    }
                }
            }
        }
    }

    private static void countError(ApiRequestMetrics api, short code) {
        if (code != Errors.NONE.code()) {
            Errors error = Errors.forCode(code);
            api.onError(error == null ? "UNKNOWN(" + code + ")" : error.name());
        }
    }
}
