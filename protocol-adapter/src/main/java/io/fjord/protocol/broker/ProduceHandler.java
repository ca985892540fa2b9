package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.Partition;
import io.fjord.log.RecordValidationException;
import io.fjord.log.TopicNames;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.writer.Admission;
import io.fjord.log.writer.AppendCallback;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Produce: each partition's batch (a slice of the request frame, never copied) goes to its
 * partition writer; the response goes out when the last partition is done (acks=1 and acks=all
 * are the same on one node; with {@code durability=sync} "done" includes the fsync). acks=0
 * gets no response at all, as in Kafka. The request frame is a pooled buffer: it is retained until
 * the last append is done, since the writers read the record slices after the handler returns (and,
 * with acks=0, after the request is answered).
 *
 * <p>Runs on a selector thread, which never waits: a partition whose writer queue is full
 * ({@link Admission#BACK_PRESSURED}) mutes the connection and is retried by its writer when it has
 * room ({@link BackPressuredAppends}); the response still goes out once, after every partition.
 */
final class ProduceHandler implements ApiHandler {
    private static final short FIRST_VERSION_WITH_ONE_BATCH = 3;
    private static final short FIRST_VERSION_WITH_LOG_START_OFFSET = 5;
    private static final short FIRST_VERSION_WITH_ERROR_MESSAGE = 8;

    private final BrokerState state;
    private final ProduceBackPressure backPressure;

    ProduceHandler(BrokerState state, ProduceBackPressure backPressure) {
        this.state = state;
        this.backPressure = backPressure;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        ProduceRequest request = (ProduceRequest) message;
        short acks = request.acks();
        boolean respond = acks != 0;
        ProduceResponse response = new ProduceResponse();
        int partitions = 0;
        for (ProduceRequest.TopicProduceData topic : request.topicData()) {
            partitions += topic.partitionData().size();
        }
        AtomicInteger pending = new AtomicInteger(partitions + 1); // +1 until every append is queued
        exchange.retainFrame();
        Runnable done = () -> {
            if (pending.decrementAndGet() == 0) {
                exchange.releaseFrame(); // every writer is done with the record slices
                if (respond) {
                    exchange.respond(response);
                }
            }
        };
        if (!respond) {
            exchange.respondNothing();
        }
        boolean refuseTransactional = request.transactionalId() == null && hasTransactionalBatch(request);
        BackPressuredAppends[] waiting = new BackPressuredAppends[1]; // created by the first full writer queue
        for (ProduceRequest.TopicProduceData topic : request.topicData()) {
            ProduceResponse.TopicProduceResponse topicResponse = new ProduceResponse.TopicProduceResponse()
                    .setName(topic.name());
            response.responses().add(topicResponse);
            for (ProduceRequest.PartitionProduceData data : topic.partitionData()) {
                ProduceResponse.PartitionProduceResponse result = new ProduceResponse.PartitionProduceResponse()
                        .setIndex(data.index()).setBaseOffset(-1);
                topicResponse.partitionResponses().add(result);
                if (refuseTransactional) {
                    // Kafka fails the whole request: transactional batches need the transactional id they
                    // belong to, and there is none to authorize.
                    fail(result, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                            Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.message(), exchange.version());
                    done.run();
                    continue;
                }
                Errors invalid = acks == 0 || acks == 1 || acks == -1
                        ? check(exchange.version(), data) : Errors.INVALID_REQUIRED_ACKS;
                if (invalid != Errors.NONE) {
                    result.setErrorCode(invalid.code());
                    done.run();
                    continue;
                }
                append(topic.name(), data, result, exchange, done, waiting);
            }
        }
        if (waiting[0] != null) {
            waiting[0].handlerDone();
        }
        done.run();
    }

    private void append(String topic, ProduceRequest.PartitionProduceData data,
                        ProduceResponse.PartitionProduceResponse result, Exchange exchange, Runnable done,
                        BackPressuredAppends[] waiting) {
        short version = exchange.version();
        if (TopicNames.isReserved(topic)) { // Kafka: clients cannot append to internal topics
            fail(result, Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + topic, version);
            done.run();
            return;
        }
        Partition partition;
        try {
            partition = state.engine.partition(topic, data.index());
        } catch (FjordException e) {
            result.setErrorCode(ErrorMapper.toError(e).code());
            done.run();
            return;
        }
        ByteBuffer records = ((BufferRecords) data.records()).buffer();
        int bytesIn = records.remaining();
        AppendCallback appended = (baseOffset, lastOffset, error) -> {
            if (error == null) {
                state.metrics.topics().produced(topic, bytesIn, lastOffset - baseOffset + 1);
                result.setBaseOffset(baseOffset);
                if (version >= FIRST_VERSION_WITH_LOG_START_OFFSET) {
                    result.setLogStartOffset(partition.earliestOffset());
                }
            } else {
                fail(result, ErrorMapper.toError(error), error.getMessage(), version);
                addRecordErrors(result, error, version);
            }
            done.run();
        };
        try {
            if (partition.tryAppendBatchAsync(records, appended) == Admission.QUEUED) {
                return;
            }
        } catch (FjordException e) {
            fail(result, ErrorMapper.toError(e), e.getMessage(), version);
            addRecordErrors(result, e, version);
            done.run();
            return;
        }
        if (waiting[0] == null) {
            waiting[0] = new BackPressuredAppends(exchange, backPressure);
        }
        waiting[0].add(partition, records, appended, error -> {
            fail(result, ErrorMapper.toError(error), error.getMessage(), version);
            done.run();
        });
    }

    private static void fail(ProduceResponse.PartitionProduceResponse result, Errors error, String message,
                             short version) {
        result.setErrorCode(error.code());
        if (version >= FIRST_VERSION_WITH_ERROR_MESSAGE) {
            result.setErrorMessage(message);
        }
    }

    /**
     * KIP-467: the records a validation refused, by index in the batch, so the client fails each with its
     * own message and the others of the batch with a generic one (Produce v8+).
     */
    private static void addRecordErrors(ProduceResponse.PartitionProduceResponse result, Throwable error,
                                        short version) {
        if (version < FIRST_VERSION_WITH_ERROR_MESSAGE || !(error instanceof RecordValidationException refused)) {
            return;
        }
        for (RecordValidationException.RecordError recordError : refused.recordErrors()) {
            result.recordErrors().add(new ProduceResponse.BatchIndexAndErrorMessage()
                    .setBatchIndex(recordError.batchIndex())
                    .setBatchIndexErrorMessage(recordError.message()));
        }
    }

    /** Whether a partition's (first) batch has the transactional bit, as Kafka's request flags are computed. */
    private static boolean hasTransactionalBatch(ProduceRequest request) {
        for (ProduceRequest.TopicProduceData topic : request.topicData()) {
            for (ProduceRequest.PartitionProduceData data : topic.partitionData()) {
                if (data.records() instanceof BufferRecords records) {
                    ByteBuffer buffer = records.buffer();
                    int start = buffer.position();
                    if (buffer.remaining() >= RecordBatchDescriptor.HEADER_SIZE
                            && buffer.get(start + RecordBatchDescriptor.MAGIC_OFFSET) == RecordBatchDescriptor.MAGIC_V2
                            && (buffer.getShort(start + RecordBatchDescriptor.ATTRIBUTES_OFFSET)
                            & RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK) != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** What can be refused before the writer sees the batch. */
    private static Errors check(short version, ProduceRequest.PartitionProduceData data) {
        if (!(data.records() instanceof BufferRecords records) || records.buffer().remaining()
                < RecordBatchDescriptor.HEADER_SIZE) {
            return Errors.CORRUPT_MESSAGE;
        }
        ByteBuffer buffer = records.buffer();
        byte magic = buffer.get(buffer.position() + RecordBatchDescriptor.MAGIC_OFFSET);
        if (magic != RecordBatchDescriptor.MAGIC_V2) {
            return Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT; // message format v0/v1: no up-conversion yet
        }
        if (version >= FIRST_VERSION_WITH_ONE_BATCH
                && RecordBatch.sizeInBytes(buffer, buffer.position()) != buffer.remaining()) {
            return Errors.INVALID_RECORD; // Kafka: exactly one batch per partition from v3 on
        }
        if (buffer.getLong(buffer.position() + RecordBatchDescriptor.BASE_OFFSET_OFFSET) != 0) {
            return Errors.INVALID_RECORD; // producers send base offset 0; the broker assigns offsets
        }
        return Errors.NONE;
    }
}
