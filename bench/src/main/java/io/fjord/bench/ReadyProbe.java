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
    private final Duration attempt;

    ReadyProbe(String bootstrap) {
        this(bootstrap, ATTEMPT);
    }

    /**
     * @param attempt how long one listTopics may take; a broker with 10,000 partitions may need
     *                more than the default 250 ms to answer, and the client retries the
     *                connection inside an attempt, so a longer one costs no resolution
     */
    ReadyProbe(String bootstrap, Duration attempt) {
        this.attempt = attempt;
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
                client.listTopics(attempt);
                return System.nanoTime() - broker.startedNanos();
            } catch (TimeoutException notYet) {
                // Not listening yet or not answering Metadata yet: try again until the deadline.
            }
        }
        throw new IllegalStateException(broker.kind().label + " broker not ready after " + timeout + ":\n"
                + broker.logTail());
    }

    /**
     * Waits until a Metadata answer lists {@code partitions} partitions of the topics named
     * {@code topicPrefix}*, each with a leader: a broker that answers before it has loaded its
     * logs is not ready for its clients.
     *
     * @return nanoseconds from the broker's fork to that answer
     */
    long awaitPartitionsLedNanos(BrokerProcess broker, String topicPrefix, int partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int lastSeen = -1;
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new IllegalStateException(broker.kind().label + " broker exited during start-up:\n"
                        + broker.logTail());
            }
            try {
                lastSeen = Topics.ledPartitions(client.listTopics(attempt), topicPrefix).size();
                if (lastSeen >= partitions) {
                    return System.nanoTime() - broker.startedNanos();
                }
            } catch (TimeoutException notYet) {
                // Not answering yet: try again until the deadline.
            }
        }
        throw new IllegalStateException(broker.kind().label + " broker listed " + lastSeen + " of " + partitions
                + " partitions with a leader after " + timeout);
    }

    @Override
    public void close() {
        client.close(Duration.ZERO);
    }
}
