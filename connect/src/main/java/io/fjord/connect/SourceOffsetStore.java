package io.fjord.connect;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Source offsets in a compacted topic, in Kafka Connect's own format so either runtime can read
 * them: key {@code ["<connector>", {source partition}]}, value {@code {source offset}}, both as
 * schemaless JSON. The whole topic is read back once at start; afterwards this worker is its only
 * writer (standalone mode), so the in-memory copy is kept current by its own writes.
 * Thread-safe: tasks write from their own threads.
 */
final class SourceOffsetStore implements AutoCloseable {
    /** Kafka keys offsets by the serialized key, so {@code 1} and {@code 1L} in a partition map are the same. */
    private final Map<ByteBuffer, Map<String, Object>> offsets = new ConcurrentHashMap<>();
    private final JsonConverter keyConverter = schemaless(true);
    private final JsonConverter valueConverter = schemaless(false);
    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final long writeTimeoutMs;

    private SourceOffsetStore(String topic, Producer<byte[], byte[]> producer, long writeTimeoutMs) {
        this.topic = topic;
        this.producer = producer;
        this.writeTimeoutMs = writeTimeoutMs;
    }

    /** Creates the compacted topic if needed and reads every offset in it. */
    static SourceOffsetStore open(Cluster cluster, WorkerConfig config) {
        String topic = config.offsetStorageTopic();
        cluster.ensureCompactedTopic(topic, config.offsetStoragePartitions(), config.offsetReadTimeoutMs());
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "connect-offsets-producer");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        // Compacted topics refuse compressed batches on Fjord (the cleaner cannot decompress yet).
        producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        SourceOffsetStore store = new SourceOffsetStore(topic, cluster.producer(producerConfig),
                config.offsetFlushTimeoutMs());
        try {
            store.readAll(cluster, config.offsetReadTimeoutMs());
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static JsonConverter schemaless(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), isKey);
        return converter;
    }

    private void readAll(Cluster cluster, long timeoutMs) {
        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "connect-offsets-reader");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try (Consumer<byte[], byte[]> consumer = cluster.consumer(consumerConfig)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofMillis(timeoutMs));
            while (!caughtUp(consumer, ends)) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (leftMs <= 0) {
                    throw new ConnectException("Reading the source offsets topic " + topic + " took longer than "
                            + timeoutMs + " ms (" + WorkerConfig.OFFSET_READ_TIMEOUT_MS + ")");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(Math.min(leftMs, 200)))) {
                    apply(record.key(), record.value());
                }
            }
        }
    }

    private static boolean caughtUp(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private void apply(byte[] key, byte[] value) {
        if (key == null) {
            return;
        }
        if (value == null) {
            offsets.remove(ByteBuffer.wrap(key));
            return;
        }
        Object offset = valueConverter.toConnectData(topic, value).value();
        if (offset instanceof Map<?, ?> map) {
            offsets.put(ByteBuffer.wrap(key), (Map<String, Object>) map);
        }
    }

    private byte[] key(String connector, Map<String, ?> partition) {
        return keyConverter.fromConnectData(topic, null, Arrays.asList(connector, partition));
    }

    /** The last stored offset of {@code partition} for {@code connector}, or null. */
    Map<String, Object> offset(String connector, Map<String, ?> partition) {
        return offsets.get(ByteBuffer.wrap(key(connector, partition)));
    }

    /**
     * Writes {@code partitionOffsets} and waits until the broker or engine has them all; only then
     * are they visible to {@link #offset}. Throws on failure or after {@code offset.flush.timeout.ms}.
     */
    void write(String connector, Map<Map<String, Object>, Map<String, Object>> partitionOffsets)
            throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(partitionOffsets.size());
        Map<ByteBuffer, Map<String, Object>> written = new HashMap<>();
        for (Map.Entry<Map<String, Object>, Map<String, Object>> entry : partitionOffsets.entrySet()) {
            byte[] key = key(connector, entry.getKey());
            byte[] value = entry.getValue() == null ? null : valueConverter.fromConnectData(topic, null, entry.getValue());
            sends.add(producer.send(new ProducerRecord<>(topic, key, value)));
            written.put(ByteBuffer.wrap(key), entry.getValue());
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(writeTimeoutMs);
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new ConnectException("Writing source offsets of " + connector + " to " + topic + " failed",
                        e.getCause());
            } catch (TimeoutException e) {
                throw new ConnectException("Writing source offsets of " + connector + " to " + topic
                        + " took longer than " + writeTimeoutMs + " ms (" + WorkerConfig.OFFSET_FLUSH_TIMEOUT_MS + ")");
            }
        }
        written.forEach((key, offset) -> {
            if (offset == null) {
                offsets.remove(key);
            } else {
                offsets.put(key, offset);
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofMillis(writeTimeoutMs));
        keyConverter.close();
        valueConverter.close();
    }
}
