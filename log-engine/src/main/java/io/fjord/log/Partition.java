package io.fjord.log;

import io.fjord.log.partition.PartitionLog;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordHeader;
import io.fjord.log.writer.Admission;
import io.fjord.log.writer.AppendCallback;
import io.fjord.log.writer.WriterPool;

import java.nio.ByteBuffer;

/**
 * A thread-safe handle on one partition of a {@link LogEngine}. Appends from any thread are
 * handed to the partition's single writer thread; reads go straight to the log, lock-free.
 */
public final class Partition {
    private static final ThreadLocal<RecordBatchBuilder> BUILDERS =
            ThreadLocal.withInitial(() -> new RecordBatchBuilder(1024));

    private final LogEngine engine;
    private final PartitionLog log;
    private final WriterPool writers;

    Partition(LogEngine engine, PartitionLog log, WriterPool writers) {
        this.engine = engine;
        this.log = log;
        this.writers = writers;
    }

    public TopicPartition topicPartition() {
        return log.topicPartition();
    }

    PartitionLog log() {
        return log;
    }

    /** Appends one record; returns its offset once it is written (and fsynced with durability=sync). */
    public long append(byte[] key, byte[] value, long timestampMs) {
        return append(key, value, timestampMs, new RecordHeader[0]);
    }

    /** Appends one record with headers; returns its offset. */
    public long append(byte[] key, byte[] value, long timestampMs, RecordHeader... headers) {
        RecordBatchBuilder builder = BUILDERS.get().reset();
        builder.append(timestampMs, key, value, headers);
        return appendBatch(builder.build());
    }

    /**
     * Appends one or more whole v2 record batches as received (e.g. from a Kafka producer):
     * validated, then written with only base offset and leader epoch patched, in place in
     * {@code batches}. Returns the first offset assigned.
     *
     * @throws InvalidRecordException   a batch is malformed (nothing is appended)
     * @throws RecordTooLargeException  a batch exceeds {@code max.message.bytes}
     * @throws LogStorageException      the disk failed and nothing was appended; or, if the
     *                                  partition went offline (the rollback failed too), the outcome
     *                                  is unknown until the next open recovers the log
     */
    public long appendBatch(ByteBuffer batches) {
        engine.ensureOpen();
        WriterPool.SyncCompletion completion = new WriterPool.SyncCompletion();
        writers.submit(log, batches, RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH, completion);
        return completion.await().baseOffset();
    }

    /**
     * Queues batches for appending and returns at once; {@code callback} runs on the writer thread.
     * {@code batches} must stay untouched until then.
     */
    public void appendBatchAsync(ByteBuffer batches, AppendCallback callback) {
        engine.ensureOpen();
        writers.submit(log, batches, RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH, callback);
    }

    /**
     * Queues batches for appending if the writer has room, never waiting. {@link Admission#QUEUED}:
     * {@code callback} runs on the writer thread, and {@code batches} must stay untouched until then.
     * {@link Admission#BACK_PRESSURED}: the writer's queue is full, nothing was queued and the callback
     * will not run.
     *
     * @throws EngineClosedException if the engine is closed
     */
    public Admission tryAppendBatchAsync(ByteBuffer batches, AppendCallback callback) {
        engine.ensureOpen();
        return writers.trySubmit(log, batches, RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH, callback);
    }

    /**
     * Up to {@code maxBytes} of batches from the batch holding {@code offset} (that batch whole,
     * even if larger): a file region to send with sendfile or copy. Empty at the log end.
     *
     * @throws OffsetOutOfRangeException below the log start or past the log end
     */
    public FileRegion read(long offset, int maxBytes) {
        engine.ensureOpen();
        return log.read(offset, maxBytes);
    }

    /** A sequential reader starting at {@code offset}, reading {@link LogReader#DEFAULT_FETCH_BYTES} at a time. */
    public LogReader reader(long offset) {
        return reader(offset, LogReader.DEFAULT_FETCH_BYTES);
    }

    /**
     * A sequential reader starting at {@code offset} that reads about {@code fetchBytes} from the
     * file at a time (more when one batch is larger).
     *
     * @throws IllegalArgumentException if {@code fetchBytes} is not positive
     */
    public LogReader reader(long offset, int fetchBytes) {
        return new LogReader(this, offset, fetchBytes);
    }

    /** The first offset with a timestamp at or after {@code timestampMs}, or -1 if there is none. */
    public long offsetForTimestamp(long timestampMs) {
        engine.ensureOpen();
        return log.offsetForTimestamp(timestampMs);
    }

    /** The log start offset: the first readable offset. */
    public long earliestOffset() {
        return log.logStartOffset();
    }

    /** The log end offset: the offset the next record will get. */
    public long latestOffset() {
        return log.logEndOffset();
    }

    /** Makes offsets below {@code offset} unreadable and deletes segments wholly below it. */
    public void deleteRecords(long offset) {
        engine.ensureOpen();
        log.deleteRecords(offset);
    }

    /** fsyncs everything appended so far. */
    public void flush() {
        engine.ensureOpen();
        log.flush();
    }

    public long sizeBytes() {
        return log.sizeBytes();
    }

    @Override
    public String toString() {
        return "Partition(" + log.topicPartition() + ")";
    }
}
