package io.fjord.protocol.broker;

import io.fjord.log.FileRegion;
import io.fjord.log.FjordException;
import io.fjord.log.LogEndPosition;
import io.fjord.log.Partition;
import io.fjord.log.TopicPartition;
import io.fjord.log.delay.CompletionCause;
import io.fjord.log.delay.DelayedOperation;
import io.fjord.log.delay.WatchOutcome;
import io.fjord.net.NetConfig;
import io.fjord.net.RateLimitedLog;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fetch, sessionless (the response's session id 0 tells clients to send full requests): each
 * partition's records are a file region sent with sendfile, bounded by partition_max_bytes and
 * max_bytes (the first batch always goes, KIP-74). With fewer than min_bytes available the fetch
 * waits in the {@link FetchPurgatory} as a {@link DelayedFetch}: it remembers where each
 * partition's log ended when it read, and appends are measured against that (no re-read); its
 * response is read and built once, when it completes.
 */
final class FetchHandler implements ApiHandler {
    private static final System.Logger LOG = System.getLogger(FetchHandler.class.getName());
    /** A client's fetches decide how often this fails; the default per-cause budget bounds the lines. */
    private static final RateLimitedLog.Cause FETCH_FAILED_LOG = RateLimitedLog.perMinute(LOG,
            NetConfig.DEFAULT_LOG_LINES_PER_CAUSE_PER_MINUTE, new LongAdder()).cause("waiting fetch failed");

    /** How a fetch reads one partition's records: the seam tests count reads through. */
    @FunctionalInterface
    interface PartitionReader {
        PartitionReader DIRECT = Partition::read;

        FileRegion read(Partition partition, long offset, int maxBytes);
    }

    private final BrokerState state;
    private final FetchPurgatory purgatory;
    private final PartitionReader reader;

    FetchHandler(BrokerState state, FetchPurgatory purgatory) {
        this.state = state;
        this.purgatory = purgatory;
        this.reader = purgatory.reader();
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        FetchRequest request = (FetchRequest) message;
        if (request.sessionId() != 0) {
            exchange.respond(new FetchResponse().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                    .setSessionId(0));
            return;
        }
        long maxWaitMs = Math.min(Math.max(0, request.maxWaitMs()), state.config.maxFetchWaitMs());
        List<WatchedPartition> watched = new ArrayList<>();
        Read first = read(exchange, request, watched);
        if (first.bytes >= request.minBytes() || first.hasError || maxWaitMs == 0) {
            exchange.respond(first.response);
            return;
        }
        DelayedFetch delayed = new DelayedFetch(exchange, request, maxWaitMs, watched);
        List<TopicPartition> keys = new ArrayList<>(watched.size());
        for (WatchedPartition partition : watched) {
            keys.add(partition.partition.topicPartition());
        }
        if (purgatory.watch(delayed, keys) == WatchOutcome.REFUSED) {
            exchange.respond(first.response); // full: answer with what there is, already read
        }
    }

    /** A response read now, its record bytes and whether a partition answered an error. */
    private record Read(FetchResponse response, long bytes, boolean hasError) {
    }

    /**
     * A partition a parked fetch watches: where the log ended just before the fetch read it, and
     * how many bytes that read found. Immutable; the fetch's state lives in the log, not here.
     */
    private record WatchedPartition(Partition partition, String topic, int index, long fetchOffset,
                                    LogEndPosition endAtRead, long bytesAtRead, int maxBytes) {
    }

    /**
     * A fetch waiting for min_bytes. Its check compares each partition's current end with the
     * end it remembered (Kafka's DelayedFetch with LogOffsetMetadata): bytes appended in the same
     * segment count up to partition_max_bytes; a fetch offset in an older segment, a rolled or
     * replaced log, a deleted partition, or enough bytes complete it, and only then it reads and
     * answers.
     */
    private final class DelayedFetch extends DelayedOperation {
        private final Exchange exchange;
        private final FetchRequest request;
        private final List<WatchedPartition> watched;

        DelayedFetch(Exchange exchange, FetchRequest request, long maxWaitMs, List<WatchedPartition> watched) {
            super(maxWaitMs);
            this.exchange = exchange;
            this.request = request;
            this.watched = List.copyOf(watched);
        }

        @Override
        public boolean tryComplete() {
            long available = 0;
            for (WatchedPartition w : watched) {
                Partition current;
                try {
                    current = state.engine.partition(w.topic, w.index);
                } catch (FjordException e) {
                    return forceComplete(); // deleted, or the engine closed: the read answers the error
                }
                if (current != w.partition) {
                    return forceComplete(); // deleted and created again: a new log
                }
                LogEndPosition now = current.endPosition();
                LogEndPosition then = w.endAtRead;
                if (w.fetchOffset < then.segmentBaseOffset()) {
                    // Behind, in an older segment: a read stops at that segment's end, so the bytes
                    // cannot be measured, and waiting could not add any. Kafka answers at once too.
                    return forceComplete();
                }
                if (now.offset() == then.offset()) {
                    available += w.bytesAtRead;
                } else if (!then.sameSegmentAs(now) || now.offset() < then.offset()) {
                    return forceComplete(); // rolled (or truncated): Kafka answers such a fetch at once too
                } else {
                    long appended = Math.max(0, now.segmentBytes() - then.segmentBytes());
                    available += Math.min(w.bytesAtRead + appended, w.maxBytes);
                }
            }
            return available >= request.minBytes() && forceComplete();
        }

        @Override
        protected void onComplete(CompletionCause cause) {
            try {
                exchange.respond(read(exchange, request, null).response);
            } catch (RuntimeException e) {
                FETCH_FAILED_LOG.log(System.Logger.Level.WARNING, () -> "A waiting fetch failed", e);
                exchange.respond(new FetchResponse().setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code()).setSessionId(0));
            }
        }
    }

    /**
     * Reads every requested partition once. With {@code watch} non-null, also records each
     * partition's end position (taken before its read, so bytes appended during the read are
     * counted again at worst, answering a fetch early rather than late).
     */
    private Read read(Exchange exchange, FetchRequest request, List<WatchedPartition> watch) {
        FetchResponse response = new FetchResponse().setSessionId(0);
        int remaining = exchange.version() >= 3 ? request.maxBytes() : Integer.MAX_VALUE;
        long total = 0;
        boolean hasError = false;
        for (FetchRequest.FetchTopic topic : request.topics()) {
            FetchResponse.FetchableTopicResponse topicResponse = new FetchResponse.FetchableTopicResponse()
                    .setTopic(topic.topic());
            response.responses().add(topicResponse);
            for (FetchRequest.FetchPartition requested : topic.partitions()) {
                FetchResponse.PartitionData data = readPartition(exchange, topic.topic(), requested, remaining,
                        total == 0, watch);
                int size = data.records() == null ? 0 : data.records().sizeInBytes();
                total += size;
                remaining -= size;
                hasError |= data.errorCode() != Errors.NONE.code();
                topicResponse.partitions().add(data);
            }
        }
        return new Read(response, total, hasError);
    }

    /**
     * One partition's data. Only the first partition that has data may exceed the byte limits
     * with its first batch (KIP-74); a later one whose first batch does not fit sends nothing.
     */
    private FetchResponse.PartitionData readPartition(Exchange exchange, String topic,
                                                      FetchRequest.FetchPartition requested, int budgetBytes,
                                                      boolean firstWithData, List<WatchedPartition> watch) {
        FetchResponse.PartitionData data = new FetchResponse.PartitionData()
                .setPartitionIndex(requested.partition())
                .setHighWatermark(-1).setLastStableOffset(-1)
                .setAbortedTransactions(null)
                .setRecords(Exchange.noRecords());
        try {
            Partition partition = state.engine.partition(topic, requested.partition());
            LogEndPosition endAtRead = watch == null ? null : partition.endPosition();
            int partitionMaxBytes = Math.max(requested.partitionMaxBytes(), 0);
            int maxBytes = Math.min(budgetBytes, partitionMaxBytes);
            int bytes = 0;
            if (maxBytes > 0 || firstWithData) {
                FileRegion region = reader.read(partition, requested.fetchOffset(), Math.max(maxBytes, 1));
                if (!region.isEmpty() && (region.sizeBytes() <= maxBytes || firstWithData)) {
                    data.setRecords(new FileRecords(region));
                    bytes = region.sizeBytes();
                }
            }
            // Read after the records: the end offset is published before the data, so this
            // high watermark covers every record sent.
            long highWatermark = partition.latestOffset();
            data.setHighWatermark(highWatermark).setLastStableOffset(highWatermark);
            if (exchange.version() >= 5) {
                data.setLogStartOffset(partition.earliestOffset());
            }
            if (watch != null) {
                watch.add(new WatchedPartition(partition, topic, requested.partition(), requested.fetchOffset(),
                        endAtRead, bytes, partitionMaxBytes));
            }
        } catch (FjordException e) {
            data.setErrorCode(ErrorMapper.toError(e).code());
        }
        return data;
    }
}
