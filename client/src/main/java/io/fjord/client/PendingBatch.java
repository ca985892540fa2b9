package io.fjord.client;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordHeader;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One record batch of a partition being built by the producer, with what each of its records
 * needs on completion: its future, callback, timestamp and serialized sizes, by index in the batch
 * (= offset delta), so completing the batch gives record {@code i} offset {@code baseOffset + i}.
 *
 * <p>Not thread-safe: filled under its {@link PartitionAccumulator}'s lock, then owned by whoever
 * hands it to the engine and, after the append, by the producer's callback thread.
 */
final class PendingBatch {
    /** The largest record a batch can hold: one whose upper bound passes this cannot fail to encode. */
    static final int MAX_RECORD_BYTES = RecordBatchBuilder.MAX_BATCH_BYTES - RecordBatchDescriptor.HEADER_SIZE;
    /** Records a batch tracks before its arrays first grow; a batch of one never grows them. */
    private static final int INITIAL_RECORD_SLOTS = 8;
    /**
     * Per-record framing beyond key, value and headers, at most: length varint (5), attributes
     * (1), timestamp delta varlong (10), offset delta varint (5), key and value length varints
     * (5 each), header count varint (5).
     */
    private static final int RECORD_OVERHEAD_MAX_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5;
    /** Per-header framing at most: key and value length varints. */
    private static final int HEADER_OVERHEAD_MAX_BYTES = 5 + 5;
    /**
     * Most an accumulating batch allocates up front. Below that it starts at its full limit:
     * under load batches fill up, and growing 4 -> 8 -> 16 KiB zeroed and copied 28 KiB per 16 KiB
     * batch (the top allocation site in the round-trip benchmark's profile).
     */
    private static final int MAX_INITIAL_ACCUMULATING_BYTES = 64 * 1024;

    private final TopicPartition topicPartition;
    private final RecordBatchBuilder builder;
    private CompletableFuture<RecordMetadata>[] futures;
    private Callback[] callbacks;
    private long[] timestampsMs;
    private int[] keySizes;
    private int[] valueSizes;
    private int recordCount;
    private long reservedBytes;

    @SuppressWarnings("unchecked")
    private PendingBatch(TopicPartition topicPartition, int initialBytes, int recordSlots) {
        this.topicPartition = topicPartition;
        this.builder = new RecordBatchBuilder(initialBytes);
        this.futures = new CompletableFuture[recordSlots];
        this.callbacks = new Callback[recordSlots];
        this.timestampsMs = new long[recordSlots];
        this.keySizes = new int[recordSlots];
        this.valueSizes = new int[recordSlots];
    }

    /** A batch for exactly one record of at most {@code recordBytes} encoded: the no-contention path. */
    static PendingBatch single(TopicPartition topicPartition, int recordBytes) {
        return new PendingBatch(topicPartition, RecordBatchDescriptor.HEADER_SIZE + recordBytes, 1);
    }

    /** A batch expected to take more records, up to {@code limitBytes} unless its first is larger. */
    static PendingBatch accumulating(TopicPartition topicPartition, int firstRecordBytes, int limitBytes) {
        int initialBytes = Math.max(RecordBatchDescriptor.HEADER_SIZE + firstRecordBytes,
                Math.min(limitBytes, MAX_INITIAL_ACCUMULATING_BYTES));
        return new PendingBatch(topicPartition, initialBytes, INITIAL_RECORD_SLOTS);
    }

    /**
     * An upper bound on the encoded size of a record in a batch (its share of the batch, without
     * the batch header): what {@code buffer.memory} and {@code batch.size} are charged.
     */
    static long recordSizeUpperBound(byte[] key, byte[] value, RecordHeader[] headers) {
        long bytes = RECORD_OVERHEAD_MAX_BYTES + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (RecordHeader h : headers) {
            // UTF-8 needs at most 3 bytes per UTF-16 char (a surrogate pair: 4 bytes for 2 chars).
            bytes += HEADER_OVERHEAD_MAX_BYTES + 3L * h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return bytes;
    }

    /** Whether a record of at most {@code recordBytes} still fits under {@code limitBytes}; an empty batch takes any. */
    boolean fits(int recordBytes, int limitBytes) {
        return recordCount == 0 || (long) builder.estimatedSizeInBytes() + recordBytes <= limitBytes;
    }

    void add(long timestampMs, byte[] key, byte[] value, RecordHeader[] headers, int recordBytes,
             CompletableFuture<RecordMetadata> future, Callback callback) {
        if (recordCount == futures.length) {
            grow();
        }
        builder.append(timestampMs, key, value, headers);
        futures[recordCount] = future;
        callbacks[recordCount] = callback;
        timestampsMs[recordCount] = timestampMs;
        keySizes[recordCount] = key == null ? -1 : key.length;
        valueSizes[recordCount] = value == null ? -1 : value.length;
        recordCount++;
        reservedBytes += recordBytes;
    }

    private void grow() {
        int slots = futures.length * 2;
        futures = Arrays.copyOf(futures, slots);
        callbacks = Arrays.copyOf(callbacks, slots);
        timestampsMs = Arrays.copyOf(timestampsMs, slots);
        keySizes = Arrays.copyOf(keySizes, slots);
        valueSizes = Arrays.copyOf(valueSizes, slots);
    }

    /** The encoded batch; the engine owns its bytes until the append completes. */
    ByteBuffer build() {
        return builder.build();
    }

    int recordCount() {
        return recordCount;
    }

    /** {@code buffer.memory} bytes charged for this batch's records. */
    long reservedBytes() {
        return reservedBytes;
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    /**
     * Runs each record's callback, then completes its future, in send order: record {@code i}
     * gets offset {@code baseOffset + i}, or every record gets {@code error}. Callback thread only.
     */
    void complete(long baseOffset, RuntimeException error) {
        for (int i = 0; i < recordCount; i++) {
            RecordMetadata metadata = error == null
                    ? new RecordMetadata(topicPartition, baseOffset, i, timestampsMs[i], keySizes[i], valueSizes[i])
                    : new RecordMetadata(topicPartition, -1, 0, timestampsMs[i], keySizes[i], valueSizes[i]);
            SendCompletion.complete(futures[i], callbacks[i], metadata, error);
            futures[i] = null; // the user may keep the batch's futures, not the other way round
            callbacks[i] = null;
        }
    }
}
