package io.fjord.streams;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.fjord.log.LogEngine;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Starts a Kafka Streams application on an embedded {@link LogEngine} and waits until it runs.
 *
 * <pre>{@code
 * try (FjordStreams.Handle app = FjordStreams.start(engine, topology, props)) {
 *     ...
 * }
 * }</pre>
 */
public final class FjordStreams {
    /** How long {@link #start(LogEngine, Topology, Properties)} waits for RUNNING. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link Handle#close()} waits for the threads to stop. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private FjordStreams() {
    }

    public static Handle start(LogEngine engine, Topology topology, Properties config) {
        return start(engine, topology, config, DEFAULT_START_TIMEOUT);
    }

    /**
     * Creates and starts a KafkaStreams with a {@link FjordKafkaClientSupplier}. {@code bootstrap.servers}
     * is set to a placeholder if absent (Streams requires it; the in-process clients ignore it).
     *
     * @throws IllegalStateException if it does not reach RUNNING within {@code timeout} (it is closed then)
     */
    public static Handle start(LogEngine engine, Topology topology, Properties config, Duration timeout) {
        Objects.requireNonNull(engine, "engine");
        Properties props = new Properties();
        props.putAll(config);
        props.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "fjord-embedded:0");
        KafkaStreams streams = new KafkaStreams(topology, props, new FjordKafkaClientSupplier(engine));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch failed = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            } else if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.PENDING_ERROR) {
                failed.countDown();
            }
        });
        Handle handle = new Handle(streams);
        try {
            streams.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!running.await(50, TimeUnit.MILLISECONDS)) {
                if (failed.getCount() == 0 || System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + timeout
                            + "; state " + streams.state());
                }
            }
            return handle;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.close();
            throw new IllegalStateException("Interrupted while starting Kafka Streams", e);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /**
     * A running application. {@link #close()} stops it, waiting up to {@link #CLOSE_TIMEOUT}, and
     * leaves the consumer group: KafkaStreams' plain {@code close()} keeps its members in the group
     * (the group is stored in the engine), so an application restarted on the same engine data
     * would wait {@code session.timeout.ms} (45 s by default) for them to expire before it runs.
     */
    public static final class Handle implements AutoCloseable {
        private final KafkaStreams streams;

        Handle(KafkaStreams streams) {
            this.streams = streams;
        }

        public KafkaStreams streams() {
            return streams;
        }

        public KafkaStreams.State state() {
            return streams.state();
        }

        @Override
        public void close() {
            if (!streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT))) {
                throw new IllegalStateException("Kafka Streams did not stop within " + CLOSE_TIMEOUT);
            }
        }
    }
}
