package io.fjord.connect;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Topics on a broker (Fjord's or Kafka's) reached through {@code bootstrap.servers} with Kafka's clients. */
final class NetworkCluster implements Cluster {
    private final String bootstrapServers;

    NetworkCluster(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public Producer<byte[], byte[]> producer(Map<String, Object> config) {
        return new KafkaProducer<>(withBootstrap(config), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(withBootstrap(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void ensureCompactedTopic(String topic, int partitions, long timeoutMs) {
        Map<String, Object> adminConfig = withBootstrap(Map.of());
        adminConfig.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, Integer.MAX_VALUE));
        try (Admin admin = Admin.create(adminConfig)) {
            NewTopic newTopic = new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(newTopic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the offsets topic " + topic + " on " + bootstrapServers
                        + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating the offsets topic " + topic + " on " + bootstrapServers
                    + " took longer than " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the offsets topic " + topic, e);
        }
    }

    private Map<String, Object> withBootstrap(Map<String, Object> config) {
        Map<String, Object> out = new HashMap<>(config);
        out.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return out;
    }

    @Override
    public String describe() {
        return "broker " + bootstrapServers;
    }

    @Override
    public void close() {
        // Nothing shared to close: each client is closed by whoever made it.
    }
}
