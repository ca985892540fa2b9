package io.fjord.client;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import io.fjord.log.LogEngine;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Creates Kafka {@link Producer}s and {@link Consumer}s that run in process over a
 * {@link LogEngine}: code written against Kafka's client interfaces moves onto an embedded Fjord by
 * replacing {@code new KafkaProducer<>(props)} with {@code FjordClients.producer(engine, props)}.
 * The config uses Kafka's property names; network settings ({@code bootstrap.servers}, ...) are
 * ignored. Fjord-only settings: {@code fjord.auto.create.topics} (default true) and
 * {@code fjord.num.partitions} (partitions of an auto-created topic, default 1).
 */
public final class FjordClients {
    private FjordClients() {
    }

    /** A producer; {@code key.serializer}/{@code value.serializer} name classes (or hold instances). */
    public static <K, V> Producer<K, V> producer(LogEngine engine, Properties config) {
        return producer(engine, ClientConfig.of(config), null, null);
    }

    public static <K, V> Producer<K, V> producer(LogEngine engine, Map<String, Object> config) {
        return producer(engine, new ClientConfig(config), null, null);
    }

    /** A producer with serializer instances, like {@code new KafkaProducer<>(props, keySer, valueSer)}. */
    public static <K, V> Producer<K, V> producer(LogEngine engine, Map<String, Object> config,
                                                 Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return producer(engine, new ClientConfig(config), keySerializer, valueSerializer);
    }

    public static <K, V> Producer<K, V> producer(LogEngine engine, Properties config,
                                                 Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return producer(engine, ClientConfig.of(config), keySerializer, valueSerializer);
    }

    /** A consumer; {@code key.deserializer}/{@code value.deserializer} name classes (or hold instances). */
    public static <K, V> Consumer<K, V> consumer(LogEngine engine, Properties config) {
        return consumer(engine, ClientConfig.of(config), null, null);
    }

    public static <K, V> Consumer<K, V> consumer(LogEngine engine, Map<String, Object> config) {
        return consumer(engine, new ClientConfig(config), null, null);
    }

    public static <K, V> Consumer<K, V> consumer(LogEngine engine, Map<String, Object> config,
                                                 Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return consumer(engine, new ClientConfig(config), keyDeserializer, valueDeserializer);
    }

    public static <K, V> Consumer<K, V> consumer(LogEngine engine, Properties config,
                                                 Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return consumer(engine, ClientConfig.of(config), keyDeserializer, valueDeserializer);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Producer<K, V> producer(LogEngine engine, ClientConfig config,
                                                  Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        Objects.requireNonNull(engine, "engine");
        // As KafkaProducer: instances passed in are used as they are; configured classes are configured.
        if (keySerializer == null) {
            keySerializer = config.instance(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, Serializer.class);
            keySerializer.configure(config.originals(), true);
        }
        if (valueSerializer == null) {
            valueSerializer = config.instance(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, Serializer.class);
            valueSerializer.configure(config.originals(), false);
        }
        return new FjordProducer<>(engine, config, keySerializer, valueSerializer);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Consumer<K, V> consumer(LogEngine engine, ClientConfig config,
                                                  Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        Objects.requireNonNull(engine, "engine");
        if (keyDeserializer == null) {
            keyDeserializer = config.instance(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, Deserializer.class);
            keyDeserializer.configure(config.originals(), true);
        }
        if (valueDeserializer == null) {
            valueDeserializer = config.instance(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, Deserializer.class);
            valueDeserializer.configure(config.originals(), false);
        }
        return new FjordConsumer<>(engine, config, keyDeserializer, valueDeserializer);
    }
}
