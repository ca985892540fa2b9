package io.fjord.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Properties;

/** Client settings shared by every workload, identical for both brokers. */
final class ClientConfigs {
    /** 64 KiB batches as in the reference figures (Kafka's ProducerPerformance runs). */
    static final int THROUGHPUT_BATCH_BYTES = 64 * 1024;
    static final int THROUGHPUT_LINGER_MS = 5;

    private ClientConfigs() {
    }

    static Properties throughputProducer(String bootstrap, String acks) {
        return throughputProducer(bootstrap, acks, "none");
    }

    /** @param compression the producer's {@code compression.type} ({@code --compression}) */
    static Properties throughputProducer(String bootstrap, String acks, String compression) {
        Properties props = producer(bootstrap, acks);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, THROUGHPUT_BATCH_BYTES);
        props.put(ProducerConfig.LINGER_MS_CONFIG, THROUGHPUT_LINGER_MS);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return props;
    }

    /** No linger: a latency test measures the broker, not the client's batching delay. */
    static Properties latencyProducer(String bootstrap) {
        Properties props = producer(bootstrap, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    private static Properties producer(String bootstrap, String acks) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        // Kafka's client default: idempotent when acks=all, plain otherwise.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString("all".equals(acks)));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // Fail a stuck workload in 30 s rather than the default 120 s: the run has a time budget.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** Partition assignment, no group: the group protocol is not what these workloads measure. */
    static Properties consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
