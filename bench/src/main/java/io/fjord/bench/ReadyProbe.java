package io.fjord.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.Properties;

/**
 * Waits for a broker's first successful Metadata response ({@code listTopics} sends a Metadata
 * request for all topics). The client is built before the broker is forked so that client class
 * loading is not charged to the broker. Reconnect backoff of 10 ms bounds the resolution.
 */
final class ReadyProbe implements AutoCloseable {
    private static final Duration ATTEMPT = Duration.ofMillis(250);
    private static final String RECONNECT_BACKOFF_MS = "10";

    private final KafkaConsumer<byte[], byte[]> client;

    ReadyProbe(String bootstrap) {
        Properties props = ClientConfigs.consumer(bootstrap);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, RECONNECT_BACKOFF_MS);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MS);
        props.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, RECONNECT_BACKOFF_MS);
        props.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MS);
        this.client = new KafkaConsumer<>(props);
    }

    /** @return nanoseconds from the broker's fork to its first Metadata response */
    long awaitReadyNanos(BrokerProcess broker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new IllegalStateException(broker.kind().label + " broker exited during start-up:\n"
                        + broker.logTail());
            }
            try {
                client.listTopics(ATTEMPT);
                return System.nanoTime() - broker.startedNanos();
            } catch (TimeoutException notYet) {
                // Not listening yet or not answering Metadata yet: try again until the deadline.
            }
        }
        throw new IllegalStateException(broker.kind().label + " broker not ready after " + timeout + ":\n"
                + broker.logTail());
    }

    @Override
    public void close() {
        client.close(Duration.ZERO);
    }
}
