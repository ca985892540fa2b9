package io.fjord.streams;

import java.util.Map;
import java.util.Objects;

import io.fjord.client.FjordClients;
import io.fjord.log.LogEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Gives Kafka Streams in-process clients over a {@link LogEngine}: fjord-client's producer and
 * consumers, and {@link FjordAdmin}. Pass it to {@code new KafkaStreams(topology, props, supplier)}
 * (or use {@link FjordStreams#start}); {@code bootstrap.servers} is then only a required
 * placeholder. Kafka Streams' own partition assignor reaches the embedded consumer through the
 * consumer config Streams builds ({@code partition.assignment.strategy} plus the references it
 * puts in the map), which fjord-client instantiates and configures like KafkaConsumer does. The
 * clients are wrapped so that the telemetry metric registration Kafka Streams does on them is
 * ignored rather than refused ({@link TelemetryIgnoring}).
 */
public final class FjordKafkaClientSupplier implements KafkaClientSupplier {
    private final LogEngine engine;

    public FjordKafkaClientSupplier(LogEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return new FjordAdmin(engine);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return TelemetryIgnoring.wrap(Producer.class,
                FjordClients.producer(engine, config, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    @SuppressWarnings("unchecked")
    private Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return TelemetryIgnoring.wrap(Consumer.class,
                FjordClients.consumer(engine, config, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return consumer(config);
    }
}
