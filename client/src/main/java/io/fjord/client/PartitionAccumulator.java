package io.fjord.client;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordHeader;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Adaptive batching for one partition: at most one append of this producer is in flight per
 * partition, and the records sent meanwhile wait in batches that go to the engine, one at a time
 * and in order, as appends complete.
 *
 * <p>With no append in flight a record goes to the engine at once, alone: no added latency at low
 * load. Under load the batches grow by themselves to whatever arrived during one append, up to
 * {@code batch.size} and the topic's {@code max.message.bytes}; a record over that gets a batch of
 * its own, so the engine's size check fails only that record. The per-record costs batching saves
 * are the writer queue hand-off, the CRC and index work and the callback-thread hop (a batch per
 * record made the embedded client slower than KafkaProducer over loopback).
 *
 * <p>The next batch is handed to the engine by the completion task on the callback thread, not on
 * the engine writer thread that reports the append: an append from the writer thread into its
 * own full queue would wait for itself until {@code append.timeout.ms}. The task hands the next
 * batch over before it runs the user callbacks, so the engine writes while the callbacks run.
 *
 * <p>Thread-safe: one lock per partition, held only to add a record or switch batches, never while
 * calling the engine or a user callback. Sends of one thread keep their order, because records
 * join batches in lock order and batches go to the engine in that order, one after the other.
 */
final class PartitionAccumulator {
    private final LogEngine engine;
    private final TopicPartition topicPartition;
    private final int batchSizeBytes;
    private final CallbackThread callbacks;
    private final InFlightSends inFlight;

    // Guarded by this. Invariant: open == null and sealed is empty whenever !appendInFlight.
    private boolean appendInFlight;
    /** The batch new records join, while an append is in flight. */
    private PendingBatch open;
    /** Full batches waiting, oldest first, behind the in-flight append (bounded by buffer.memory). */
    private final ArrayDeque<PendingBatch> sealed = new ArrayDeque<>();
    /** Size limit of {@link #open}: batch.size, or less if the topic's max.message.bytes is. */
    private int openLimitBytes;

    PartitionAccumulator(LogEngine engine, TopicPartition topicPartition, int batchSizeBytes, CallbackThread callbacks,
                         InFlightSends inFlight) {
        this.engine = engine;
        this.topicPartition = topicPartition;
        this.batchSizeBytes = batchSizeBytes;
        this.callbacks = callbacks;
        this.inFlight = inFlight;
    }

    /**
     * Adds a record whose send is already counted in {@link InFlightSends} with
     * {@code recordBytes} reserved; its future and callback complete on the callback thread.
     */
    void append(long timestampMs, byte[] key, byte[] value, RecordHeader[] headers, int recordBytes,
                CompletableFuture<RecordMetadata> future, Callback callback) {
        synchronized (this) {
            if (appendInFlight) {
                accumulate(timestampMs, key, value, headers, recordBytes, future, callback);
                return;
            }
            appendInFlight = true;
        }
        // This thread now owns the partition's one append slot: no batch can go to the engine
        // before this one completes, so it can be built and handed over outside the lock.
        PendingBatch batch = PendingBatch.single(topicPartition, recordBytes);
        batch.add(timestampMs, key, value, headers, recordBytes, future, callback);
        send(batch);
    }

    private void accumulate(long timestampMs, byte[] key, byte[] value, RecordHeader[] headers, int recordBytes,
                            CompletableFuture<RecordMetadata> future, Callback callback) {
        assert Thread.holdsLock(this);
        if (open != null && !open.fits(recordBytes, openLimitBytes)) {
            sealed.addLast(open);
            open = null;
        }
        if (open == null) {
            openLimitBytes = limitBytes();
            open = PendingBatch.accumulating(topicPartition, recordBytes, openLimitBytes);
        }
        open.add(timestampMs, key, value, headers, recordBytes, future, callback);
    }

    /**
     * batch.size, capped by what the engine accepts in one batch, so batching never turns records
     * that are each valid into a batch the engine refuses. Read per batch: topic configs can change.
     */
    private int limitBytes() {
        try {
            TopicConfig config = engine.effectiveTopicConfig(topicPartition.topic());
            return Math.min(Math.min(batchSizeBytes, RecordBatchBuilder.MAX_BATCH_BYTES),
                    Math.min(config.maxMessageBytes(), config.segmentBytes()));
        } catch (RuntimeException topicGone) {
            return Math.min(batchSizeBytes, RecordBatchBuilder.MAX_BATCH_BYTES); // the append will fail and say why
        }
    }

    /** Hands {@code batch} to the engine; its completion sends the next batch. */
    private void send(PendingBatch batch) {
        try {
            engine.partition(topicPartition.topic(), topicPartition.partition())
                    .appendBatchAsync(batch.build(), (baseOffset, lastOffset, error) -> appended(batch, baseOffset, error));
        } catch (RuntimeException e) {
            appended(batch, -1, e);
        }
    }

    /** On the engine writer (or the sender, if the hand-off failed): moves the rest to the callback thread. */
    private void appended(PendingBatch batch, long baseOffset, RuntimeException error) {
        callbacks.execute(() -> {
            PendingBatch next = takeNext();
            if (next != null) {
                send(next);
            }
            batch.complete(baseOffset, error == null ? null : EngineErrors.toKafka(error));
            inFlight.completed(batch.recordCount(), batch.reservedBytes());
        });
    }

    /** The batch to send next, or null (and the append slot freed) if nothing waits. */
    private synchronized PendingBatch takeNext() {
        assert appendInFlight;
        PendingBatch next = sealed.pollFirst();
        if (next == null) {
            next = open;
            open = null;
        }
        if (next == null) {
            appendInFlight = false;
        }
        return next;
    }

    /**
     * Fails every batch not yet handed to the engine (a {@code close} that timed out); the
     * in-flight append still completes normally.
     */
    void abortUnsent(String reason) {
        ArrayDeque<PendingBatch> aborted;
        synchronized (this) {
            aborted = new ArrayDeque<>(sealed);
            sealed.clear();
            if (open != null) {
                aborted.addLast(open);
                open = null;
            }
        }
        for (PendingBatch batch : aborted) {
            callbacks.execute(() -> {
                batch.complete(-1, new KafkaException(reason));
                inFlight.completed(batch.recordCount(), batch.reservedBytes());
            });
        }
    }

    @Override
    public String toString() {
        return "PartitionAccumulator(" + topicPartition + ")";
    }
}
