package io.fjord.log.partition;

import io.fjord.log.AppendListener;
import io.fjord.log.EngineClosedException;
import io.fjord.log.InvalidRecordException;
import io.fjord.log.LogStorageException;
import io.fjord.log.RecordTooLargeException;
import io.fjord.log.RecordValidationException;
import io.fjord.log.TopicConfig;
import io.fjord.log.producer.ProducerStateManager;
import io.fjord.log.record.BatchValidation;
import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.compress.BatchRecompressor;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.segment.SegmentRollbackException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The append path of a partition's log: validates batches, answers idempotent retries from the
 * producer state, brings batches into the topic's codec, assigns offsets, rolls and writes the
 * segment, and publishes the new log end offset.
 *
 * <p>Not thread-safe: owned by the partition's single writer thread (asserted). It owns the next
 * offset, the batch flyweight and the validator; readers see its work through the volatile
 * {@link PartitionState#logEndOffset}.
 */
final class LogAppender {
    private final PartitionState state;
    private final SegmentRoller roller;
    private final LogFlusher flusher;
    private final RecordBatch batch = new RecordBatch();
    /** Returned by every append, refilled each time (see {@link AppendResult}). */
    private final AppendResult result = new AppendResult();
    private final ProducedBatchValidator recordsValidator;
    private final int maxDecompressedBatchBytes;
    private volatile AppendListener appendListener;
    private Thread writerThread;

    LogAppender(PartitionState state, LogFlusher flusher, int maxDecompressedBatchBytes) {
        this.state = state;
        this.flusher = flusher;
        this.roller = new SegmentRoller(state);
        this.recordsValidator = new ProducedBatchValidator(state.topicPartition, maxDecompressedBatchBytes);
        this.maxDecompressedBatchBytes = maxDecompressedBatchBytes;
    }

    void appendListener(AppendListener listener) {
        this.appendListener = listener;
    }

    /** @return who is told of appends (and of the partition's deletion), or null */
    AppendListener appendListener() {
        return appendListener;
    }

    /** See {@link PartitionLog#append}. */
    AppendResult append(ByteBuffer records, int leaderEpoch) {
        assert isWriterThread() : "append on " + Thread.currentThread() + ", writer is " + writerThread;
        if (state.closed) {
            throw new EngineClosedException(state.topicPartition + " is closed");
        }
        if (state.offline) {
            throw new LogStorageException(state.topicPartition + " is offline after an unrecoverable storage error");
        }
        TopicConfig cfg = state.config;
        int start = records.position();
        int end = records.limit();
        if (end - start == 0) {
            throw new InvalidRecordException(state.topicPartition + ": no record batch to append");
        }
        if (end - start > cfg.segmentBytes()) {
            throw new RecordTooLargeException(state.topicPartition + ": " + (end - start) + " bytes of batches exceed "
                    + TopicConfig.SEGMENT_BYTES + "=" + cfg.segmentBytes());
        }
        int idempotentBatches = validateBatches(records, start, end, cfg);
        if (idempotentBatches > 0) {
            ProducerStateManager.LoggedBatch logged = loggedBatchDuplicated(records, start, end, idempotentBatches);
            if (logged != null) {
                return result.duplicateOf(logged.firstOffset(), logged.lastOffset());
            }
        }
        if (cfg.compressionCodecId() != TopicConfig.COMPRESSION_PRODUCER) {
            records = inTopicCodec(records, start, end, cfg);
            start = records.position();
            end = records.limit();
        }

        long firstOffset = state.logEndOffset;
        long nextOffset = firstOffset;
        for (int offset = start; offset < end; offset += batch.sizeInBytes()) {
            batch.wrap(records, offset);
            batch.baseOffset(nextOffset);
            batch.partitionLeaderEpoch(leaderEpoch);
            nextOffset = batch.nextOffset();
        }
        LogSegment segment;
        try {
            segment = roller.maybeRoll(end - start, firstOffset, nextOffset - 1, cfg);
            segment.write(records);
        } catch (SegmentRollbackException e) {
            state.offline = true;
            throw new LogStorageException(state.topicPartition + " went offline: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LogStorageException(state.topicPartition + ": append failed, nothing was written: "
                    + e.getMessage(), e);
        }
        if (idempotentBatches > 0) {
            batch.wrap(records, start);
            state.producerState.onAppended(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                    batch.lastSequence(), batch.baseOffset(), batch.lastOffset(), state.clock.nowMs());
        }
        state.logEndOffset = nextOffset;
        segment.publish(); // after the end offset: see LogSegment.write
        if (nextOffset - flusher.recoveryPoint() >= cfg.flushMessages()) {
            flusher.flush();
        }
        AppendListener listener = appendListener;
        if (listener != null) {
            listener.onAppend(state.topicPartition, nextOffset);
        }
        return result.appended(firstOffset, nextOffset - 1, end - start);
    }

    /**
     * Checks an idempotent batch against the producer state; returns where it was logged for a
     * retry of a batch already in the log (its original offsets are then the answer), else null.
     * Kafka's produce requests carry one batch per partition; an idempotent batch must come alone
     * so its sequence check is exact.
     */
    private ProducerStateManager.LoggedBatch loggedBatchDuplicated(ByteBuffer records, int start, int end,
                                                                   int idempotentBatches) {
        batch.wrap(records, start);
        if (idempotentBatches > 1 || batch.sizeInBytes() != end - start) {
            throw new InvalidRecordException(state.topicPartition + ": a batch from an idempotent producer must be the"
                    + " only batch of its append");
        }
        return state.producerState.findDuplicate(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                batch.lastSequence());
    }

    /** Validates every batch; returns how many carry a producer id (idempotent or transactional). */
    private int validateBatches(ByteBuffer records, int start, int end, TopicConfig cfg) {
        int maxBatchBytes = cfg.maxMessageBytes();
        int idempotent = 0;
        long nowMs = state.clock.nowMs();
        for (int offset = start; offset < end; ) {
            batch.wrap(records, offset);
            BatchValidation validation = batch.validate(end - offset, maxBatchBytes);
            if (!validation.isValid()) {
                if (validation == BatchValidation.INVALID_LENGTH && end - offset >= RecordBatchDescriptor.LOG_OVERHEAD
                        && batch.sizeInBytes() > maxBatchBytes) {
                    throw new RecordTooLargeException(state.topicPartition + ": batch of " + batch.sizeInBytes()
                            + " bytes exceeds " + TopicConfig.MAX_MESSAGE_BYTES + "=" + maxBatchBytes);
                }
                if (validation == BatchValidation.INVALID_RECORD_COUNT) {
                    // Kafka: "Inconsistent batch offset range ... and count of records", INVALID_RECORD.
                    throw new RecordValidationException(state.topicPartition + ": batch at byte " + (offset - start)
                            + " has recordsCount " + batch.recordsCount() + " and lastOffsetDelta "
                            + batch.lastOffsetDelta());
                }
                throw new InvalidRecordException(state.topicPartition + ": batch at byte " + (offset - start) + " is "
                        + validation);
            }
            recordsValidator.validate(batch, offset - start, cfg, nowMs);
            if (batch.producerId() >= 0 && !batch.isControl()) {
                idempotent++;
            }
            offset += batch.sizeInBytes();
        }
        return idempotent;
    }

    /**
     * {@code records} with every batch in the topic's {@code compression.type} codec: the same
     * buffer when all already are, else the writer thread's recompressor's (valid until its next use).
     */
    private ByteBuffer inTopicCodec(ByteBuffer records, int start, int end, TopicConfig cfg) {
        BatchRecompressor recompressor = BatchRecompressor.forThisThread(maxDecompressedBatchBytes);
        if (!recompressor.needed(records, start, end, cfg.compressionCodecId())) {
            return records;
        }
        ByteBuffer rewritten;
        try {
            rewritten = recompressor.recompress(records, start, end, cfg.compressionCodecId(), cfg.compressionLevel(),
                    cfg.maxMessageBytes());
        } catch (CorruptRecordException e) {
            throw new InvalidRecordException(state.topicPartition + ": " + e.getMessage());
        } catch (RecordTooLargeException e) {
            throw new RecordTooLargeException(state.topicPartition + ": " + e.getMessage());
        }
        if (rewritten.remaining() > cfg.segmentBytes()) {
            throw new RecordTooLargeException(state.topicPartition + ": " + rewritten.remaining() + " bytes of batches"
                    + " in the topic's codec exceed " + TopicConfig.SEGMENT_BYTES + "=" + cfg.segmentBytes());
        }
        return rewritten;
    }

    private boolean isWriterThread() {
        Thread current = Thread.currentThread();
        if (writerThread == null) {
            writerThread = current;
        }
        return writerThread == current;
    }

    /** Hands the writer role to another thread (e.g. when the writer pool changes). */
    void resetWriterThread() {
        writerThread = null;
    }
}
