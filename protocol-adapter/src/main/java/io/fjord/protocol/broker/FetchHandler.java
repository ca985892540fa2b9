package io.fjord.protocol.broker;

import io.fjord.log.FileRegion;
import io.fjord.log.FjordException;
import io.fjord.log.Partition;
import io.fjord.log.TopicPartition;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Fetch, sessionless (the response's session id 0 tells clients to send full requests): each
 * partition's records are a file region sent with sendfile, bounded by partition_max_bytes and
 * max_bytes (the first batch always goes, KIP-74). With fewer than min_bytes available the fetch
 * waits in the {@link FetchPurgatory} until appends satisfy it or max_wait_ms passes.
 */
final class FetchHandler implements ApiHandler {
    private final BrokerState state;
    private final FetchPurgatory purgatory;

    FetchHandler(BrokerState state, FetchPurgatory purgatory) {
        this.state = state;
        this.purgatory = purgatory;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        FetchRequest request = (FetchRequest) message;
        if (request.sessionId() != 0) {
            exchange.respond(new FetchResponse().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                    .setSessionId(0));
            return;
        }
        PendingFetch fetch = new PendingFetch(exchange, request);
        long maxWaitMs = Math.min(Math.max(0, request.maxWaitMs()), state.config.maxFetchWaitMs());
        if (fetch.satisfied() || maxWaitMs == 0 || !purgatory.watch(fetch, maxWaitMs)) {
            fetch.respond();
        }
    }

    /** A fetch that can read itself again; the last read is what gets sent. */
    private final class PendingFetch extends FetchPurgatory.DelayedFetch {
        private final Exchange exchange;
        private final FetchRequest request;
        private FetchResponse lastRead;

        PendingFetch(Exchange exchange, FetchRequest request) {
            super(partitionsOf(request));
            this.exchange = exchange;
            this.request = request;
        }

        @Override
        boolean satisfied() {
            long bytes = read();
            return bytes >= request.minBytes() || hasError(lastRead);
        }

        @Override
        void respond() {
            if (lastRead == null) {
                read();
            }
            exchange.respond(lastRead);
        }

        /** Reads every partition once more; returns the record bytes found. */
        private long read() {
            FetchResponse response = new FetchResponse().setSessionId(0);
            int remaining = exchange.version() >= 3 ? request.maxBytes() : Integer.MAX_VALUE;
            long total = 0;
            for (FetchRequest.FetchTopic topic : request.topics()) {
                FetchResponse.FetchableTopicResponse topicResponse = new FetchResponse.FetchableTopicResponse()
                        .setTopic(topic.topic());
                response.responses().add(topicResponse);
                for (FetchRequest.FetchPartition requested : topic.partitions()) {
                    FetchResponse.PartitionData data = readPartition(topic.topic(), requested, remaining, total == 0);
                    int size = data.records() == null ? 0 : data.records().sizeInBytes();
                    total += size;
                    remaining -= size;
                    topicResponse.partitions().add(data);
                }
            }
            lastRead = response;
            return total;
        }

        /**
     * One partition's data. Only the first partition that has data may exceed the byte limits
     * with its first batch (KIP-74); a later one whose first batch does not fit sends nothing.
     */
    private FetchResponse.PartitionData readPartition(String topic, FetchRequest.FetchPartition requested,
                                                      int budgetBytes, boolean firstWithData) {
            FetchResponse.PartitionData data = new FetchResponse.PartitionData()
                    .setPartitionIndex(requested.partition())
                    .setHighWatermark(-1).setLastStableOffset(-1)
                    .setAbortedTransactions(null)
                    .setRecords(Exchange.noRecords());
            try {
                Partition partition = state.engine.partition(topic, requested.partition());
                int maxBytes = Math.min(budgetBytes, Math.max(requested.partitionMaxBytes(), 0));
                if (maxBytes > 0 || firstWithData) {
                    FileRegion region = partition.read(requested.fetchOffset(), Math.max(maxBytes, 1));
                    if (!region.isEmpty() && (region.sizeBytes() <= maxBytes || firstWithData)) {
                        data.setRecords(new FileRecords(region));
                    }
                }
                // Read after the records: the end offset is published before the data, so this
                // high watermark covers every record sent.
                long highWatermark = partition.latestOffset();
                data.setHighWatermark(highWatermark).setLastStableOffset(highWatermark);
                if (exchange.version() >= 5) {
                    data.setLogStartOffset(partition.earliestOffset());
                }
            } catch (FjordException e) {
                data.setErrorCode(ErrorMapper.toError(e).code());
            }
            return data;
        }
    }

    private static boolean hasError(FetchResponse response) {
        for (FetchResponse.FetchableTopicResponse topic : response.responses()) {
            for (FetchResponse.PartitionData data : topic.partitions()) {
                if (data.errorCode() != Errors.NONE.code()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<TopicPartition> partitionsOf(FetchRequest request) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (FetchRequest.FetchTopic topic : request.topics()) {
            for (FetchRequest.FetchPartition partition : topic.partitions()) {
                if (topic.topic() != null && !topic.topic().isEmpty() && partition.partition() >= 0) {
                    partitions.add(new TopicPartition(topic.topic(), partition.partition()));
                }
            }
        }
        return partitions;
    }
}
