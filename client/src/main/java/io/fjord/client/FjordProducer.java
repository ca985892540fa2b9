package io.fjord.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordHeader;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Kafka's {@link Producer} over a {@link LogEngine}, in process. {@code send} serializes and
 * partitions on the caller's thread (as KafkaProducer does), queues one record batch on the
 * partition's engine writer and returns; the engine acknowledges on its writer thread, which
 * hands the completion to this producer's {@link CallbackThread} where the user callback runs
 * and then the future completes.
 *
 * <p>Every send is acknowledged once the engine has written it (the engine's durability setting
 * decides fsync), so {@code acks}, {@code linger.ms}, {@code batch.size}, retries and compression
 * have nothing to tune and are ignored.
 *
 * <p>Thread-safe, like KafkaProducer: share one between threads.
 */
final class FjordProducer<K, V> implements Producer<K, V> {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);
    private static final RecordHeader[] NO_HEADERS = new RecordHeader[0];

    private final LogEngine engine;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final TopicResolver topics;
    private final RecordPartitioner partitioner = new RecordPartitioner();
    private final InFlightSends inFlight = new InFlightSends();
    private final CallbackThread callbacks;
    private volatile boolean closed;

    FjordProducer(LogEngine engine, ClientConfig config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this.engine = engine;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.topics = new TopicResolver(engine,
                config.bool(ClientConfig.AUTO_CREATE_TOPICS, ClientConfig.DEFAULT_AUTO_CREATE_TOPICS),
                config.integer(ClientConfig.AUTO_CREATE_PARTITIONS, ClientConfig.DEFAULT_AUTO_CREATE_PARTITIONS));
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
        int partition;
        long timestampMs;
        ByteBuffer batch;
        try {
            Headers headers = record.headers();
            if (headers instanceof RecordHeaders rh) {
                rh.setReadOnly(); // as KafkaProducer: headers are frozen once sent
            }
            key = keySerializer.serialize(topic, headers, record.key());
            value = valueSerializer.serialize(topic, headers, record.value());
            int partitions = topics.partitionCount(topic);
            partition = partitioner.partition(topic, record.partition(), key, partitions);
            tp = new TopicPartition(topic, partition);
            timestampMs = record.timestamp() == null ? System.currentTimeMillis() : record.timestamp();
            batch = buildBatch(timestampMs, key, value, headers);
        } catch (RuntimeException e) {
            // Kafka hands API errors (serialization, unknown topic, bad partition) to the callback
            // and the future too; it throws only for a closed producer.
            failNow(future, callback, tp, EngineErrors.toKafka(e));
            return future;
        }
        TopicPartition sentTo = tp;
        int keySize = key == null ? -1 : key.length;
        int valueSize = value == null ? -1 : value.length;
        inFlight.started();
        try {
            Partition target = engine.partition(topic, partition);
            target.appendBatchAsync(batch, (baseOffset, lastOffset, error) -> callbacks.execute(() -> {
                RecordMetadata metadata = new RecordMetadata(sentTo, error == null ? baseOffset : -1, 0,
                        timestampMs, keySize, valueSize);
                complete(future, callback, metadata, error == null ? null : EngineErrors.toKafka(error));
            }));
        } catch (RuntimeException e) {
            RecordMetadata metadata = new RecordMetadata(sentTo, -1, 0, -1, -1, -1);
            callbacks.execute(() -> complete(future, callback, metadata, EngineErrors.toKafka(e)));
        }
        return future;
    }

    /**
     * One batch per record, in a builder of its own: the engine reads the buffer on its writer
     * thread after we return, so it cannot come from a reused (thread-local) builder.
     */
    private static ByteBuffer buildBatch(long timestampMs, byte[] key, byte[] value, Headers headers) {
        RecordHeader[] engineHeaders = toEngineHeaders(headers);
        int estimate = RecordBatchDescriptor.HEADER_SIZE + 32 + (key == null ? 0 : key.length)
                + (value == null ? 0 : value.length) + 16 * engineHeaders.length;
        for (RecordHeader h : engineHeaders) {
            estimate += h.key().length() * 3 + (h.value() == null ? 0 : h.value().length);
        }
        return new RecordBatchBuilder(estimate).append(timestampMs, key, value, engineHeaders).build();
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

    /** Runs the callback then completes the future, on the callback thread; counts the send done. */
    private void complete(CompletableFuture<RecordMetadata> future, Callback callback, RecordMetadata metadata,
                          RuntimeException error) {
        try {
            if (callback != null) {
                callback.onCompletion(metadata, error);
            }
        } catch (RuntimeException userBug) {
            // Kafka logs and swallows callback exceptions; the producer must keep going.
            System.getLogger(FjordProducer.class.getName()).log(System.Logger.Level.ERROR,
                    "Error executing user-provided callback on message for topic-partition "
                            + metadata.topic() + "-" + metadata.partition(), userBug);
        } finally {
            if (error == null) {
                future.complete(metadata);
            } else {
                future.completeExceptionally(error);
            }
            inFlight.completed();
        }
    }

    private void failNow(CompletableFuture<RecordMetadata> future, Callback callback, TopicPartition tp,
                         RuntimeException error) {
        inFlight.started();
        RecordMetadata metadata = new RecordMetadata(tp, -1, 0, -1, -1, -1);
        callbacks.execute(() -> complete(future, callback, metadata, error));
    }

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
            if (!callbacks.isCurrentThread()) {
                inFlight.awaitEmpty(timeoutMs);
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
