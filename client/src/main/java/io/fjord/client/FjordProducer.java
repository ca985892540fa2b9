package io.fjord.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.fjord.log.LogEngine;
import io.fjord.log.record.RecordHeader;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Kafka's {@link Producer} over a {@link LogEngine}, in process. {@code send} serializes and
 * partitions on the caller's thread (as KafkaProducer does) and hands the record to its
 * partition's {@link PartitionAccumulator}: straight to the engine writer if that partition has no
 * append in flight, else into a batch that goes when the in-flight append completes. The engine
 * acknowledges on its writer thread, which hands the completion to this producer's
 * {@link CallbackThread} where the user callbacks run and then the futures complete.
 *
 * <p>Every send is acknowledged once the engine has written it (the engine's durability setting
 * decides fsync), so {@code acks}, retries and compression have nothing to tune and are ignored.
 * {@code batch.size} caps a batch; {@code linger.ms} is ignored: batches form only while an append
 * is in flight, never by waiting. {@code buffer.memory} caps the bytes of records accumulated and
 * in flight; a send waits up to {@code max.block.ms} for room.
 *
 * <p>Thread-safe, like KafkaProducer: share one between threads.
 */
final class FjordProducer<K, V> implements Producer<K, V> {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);
    private static final RecordHeader[] NO_HEADERS = new RecordHeader[0];
    /** Kafka's defaults. */
    static final int DEFAULT_BATCH_SIZE_BYTES = 16_384;
    static final long DEFAULT_BUFFER_MEMORY_BYTES = 32L * 1024 * 1024;
    static final long DEFAULT_MAX_BLOCK_MS = 60_000;

    private final LogEngine engine;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final TopicResolver topics;
    private final RecordPartitioner partitioner = new RecordPartitioner();
    private final InFlightSends inFlight;
    private final CallbackThread callbacks;
    private final int batchSizeBytes;
    private final long maxBlockMs;
    private final ConcurrentMap<TopicPartition, PartitionAccumulator> accumulators = new ConcurrentHashMap<>();
    private volatile boolean closed;

    FjordProducer(LogEngine engine, ClientConfig config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this.engine = engine;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.topics = new TopicResolver(engine,
                config.bool(ClientConfig.AUTO_CREATE_TOPICS, ClientConfig.DEFAULT_AUTO_CREATE_TOPICS),
                config.integer(ClientConfig.AUTO_CREATE_PARTITIONS, ClientConfig.DEFAULT_AUTO_CREATE_PARTITIONS));
        this.batchSizeBytes = (int) Math.min(Integer.MAX_VALUE,
                config.atLeast(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE_BYTES, 0));
        this.inFlight = new InFlightSends(
                config.atLeast(ProducerConfig.BUFFER_MEMORY_CONFIG, DEFAULT_BUFFER_MEMORY_BYTES, 0));
        this.maxBlockMs = config.atLeast(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS, 0);
        String clientId = config.string(ProducerConfig.CLIENT_ID_CONFIG, "");
        if (clientId.isEmpty()) {
            clientId = "fjord-producer-" + CLIENT_IDS.getAndIncrement();
        }
        this.callbacks = new CallbackThread("fjord-producer-callbacks | " + clientId);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        if (closed) {
            throw new IllegalStateException("Cannot perform operation after producer has been closed");
        }
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        String topic = record.topic();
        TopicPartition tp = new TopicPartition(topic, record.partition() == null ? -1 : record.partition());
        byte[] key;
        byte[] value;
        long timestampMs;
        RecordHeader[] headers;
        int recordBytes;
        try {
            Headers kafkaHeaders = record.headers();
            if (kafkaHeaders instanceof RecordHeaders rh) {
                rh.setReadOnly(); // as KafkaProducer: headers are frozen once sent
            }
            key = keySerializer.serialize(topic, kafkaHeaders, record.key());
            value = valueSerializer.serialize(topic, kafkaHeaders, record.value());
            int partitions = topics.partitionCount(topic);
            int partition = partitioner.partition(topic, record.partition(), key, partitions);
            tp = new TopicPartition(topic, partition);
            timestampMs = record.timestamp() == null ? System.currentTimeMillis() : record.timestamp();
            headers = toEngineHeaders(kafkaHeaders);
            long sizeBytes = PendingBatch.recordSizeUpperBound(key, value, headers);
            if (sizeBytes > inFlight.maxBytes()) {
                throw new RecordTooLargeException("The message is " + sizeBytes + " bytes when serialized which is"
                        + " larger than the total memory buffer you have configured with the "
                        + ProducerConfig.BUFFER_MEMORY_CONFIG + " configuration.");
            }
            if (sizeBytes > PendingBatch.MAX_RECORD_BYTES) {
                // Checked here so that adding the record to a batch cannot fail later, under the
                // partition's lock or after its append slot was taken.
                throw new RecordTooLargeException("The message is " + sizeBytes + " bytes when serialized, more"
                        + " than a record batch can hold (" + PendingBatch.MAX_RECORD_BYTES + ")");
            }
            recordBytes = (int) sizeBytes;
        } catch (RuntimeException e) {
            // Kafka hands API errors (serialization, unknown topic, bad partition) to the callback
            // and the future too; it throws only for a closed producer.
            failNow(future, callback, tp, EngineErrors.toKafka(e));
            return future;
        }
        if (!reserve(recordBytes)) {
            failNow(future, callback, tp, new BufferExhaustedException("Failed to allocate " + recordBytes
                    + " bytes within the configured max blocking time " + maxBlockMs + " ms. Total memory: "
                    + inFlight.maxBytes() + " bytes (" + ProducerConfig.BUFFER_MEMORY_CONFIG + ")."));
            return future;
        }
        inFlight.started();
        accumulator(tp).append(timestampMs, key, value, headers, recordBytes, future, callback);
        return future;
    }

    /** Takes {@code recordBytes} of buffer.memory, waiting up to max.block.ms; false if it timed out. */
    private boolean reserve(int recordBytes) {
        if (inFlight.tryReserve(recordBytes)) {
            return true;
        }
        if (callbacks.isCurrentThread()) {
            // Only this thread's completions free memory: waiting here would wait for itself.
            return false;
        }
        try {
            return inFlight.reserve(recordBytes, maxBlockMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    private PartitionAccumulator accumulator(TopicPartition tp) {
        PartitionAccumulator accumulator = accumulators.get(tp);
        if (accumulator == null) {
            accumulator = accumulators.computeIfAbsent(tp,
                    p -> new PartitionAccumulator(engine, p, batchSizeBytes, callbacks, inFlight));
        }
        return accumulator;
    }

    private static RecordHeader[] toEngineHeaders(Headers headers) {
        Header[] array = headers.toArray();
        if (array.length == 0) {
            return NO_HEADERS;
        }
        RecordHeader[] result = new RecordHeader[array.length];
        for (int i = 0; i < array.length; i++) {
            result[i] = new RecordHeader(array[i].key(), array[i].value());
        }
        return result;
    }

    /** Fails a send that never reached an accumulator, on the callback thread like any other completion. */
    private void failNow(CompletableFuture<RecordMetadata> future, Callback callback, TopicPartition tp,
                         RuntimeException error) {
        inFlight.started();
        RecordMetadata metadata = new RecordMetadata(tp, -1, 0, -1, -1, -1);
        callbacks.execute(() -> {
            SendCompletion.complete(future, callback, metadata, error);
            inFlight.completed(1, 0);
        });
    }

    /**
     * Waits for every send so far. Nothing lingers (batches go to the engine as soon as the
     * partition's previous append completes), so there are no open batches to push out first.
     */
    @Override
    public void flush() {
        if (callbacks.isCurrentThread()) {
            // Kafka forbids this too: the callbacks flush waits for would run on this very thread.
            throw new KafkaException("flush() called from a send callback would deadlock");
        }
        try {
            inFlight.awaitEmpty(Long.MAX_VALUE / 1_000_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return TopicResolver.partitionInfos(topic, topics.partitionCount(topic));
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true; // new sends fail from here on; those already queued still complete
        long timeoutMs = Math.max(0, Math.min(timeout.toMillis(), Long.MAX_VALUE / 1_000_000L));
        try {
            boolean drained = !callbacks.isCurrentThread() && inFlight.awaitEmpty(timeoutMs);
            if (!drained) {
                // As Kafka's forced close: batches not yet sent fail; an append in flight completes.
                for (PartitionAccumulator accumulator : accumulators.values()) {
                    accumulator.abortUnsent("Producer is closed forcefully.");
                }
            }
            callbacks.shutdown(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        } finally {
            Utils.closeQuietly(keySerializer, "key serializer");
            Utils.closeQuietly(valueSerializer, "value serializer");
        }
    }

    // ---------------------------------------------------------------- not supported

    @Override
    public void initTransactions() {
        throw Unsupported.method("initTransactions()", "transactions are not implemented in-process");
    }

    @Override
    public void beginTransaction() {
        throw Unsupported.method("beginTransaction()", "transactions are not implemented in-process");
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) {
        throw Unsupported.method("sendOffsetsToTransaction()", "transactions are not implemented in-process");
    }

    @Override
    public void commitTransaction() {
        throw Unsupported.method("commitTransaction()", "transactions are not implemented in-process");
    }

    @Override
    public void abortTransaction() {
        throw Unsupported.method("abortTransaction()", "transactions are not implemented in-process");
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        // Nothing to do: client telemetry goes to a broker, and in-process there is none. Kafka
        // Streams registers its metrics on every client it creates, so this must not throw.
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        // See registerMetricForSubscription: there is no telemetry to remove it from.
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        throw Unsupported.method("clientInstanceId()", "client telemetry (KIP-714) needs a broker");
    }
}
