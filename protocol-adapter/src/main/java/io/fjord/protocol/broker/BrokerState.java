package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupError;
import io.fjord.protocol.metrics.BrokerMetrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Properties;
import java.util.function.Supplier;

/** What every handler needs: the engine, the broker config, and this node's identity. */
final class BrokerState {
    final LogEngine engine;
    /** Counters of refused requests, read through {@link Broker#protocolMetrics()}. */
    final ProtocolMetrics protocolMetrics = new ProtocolMetrics();
    /** Produce requests waiting for room in a writer queue; closed with the broker. */
    final ProduceBackPressure produceBackPressure;
    /** Request phases per API and traffic per topic, read through {@link Broker#metrics()}. */
    final BrokerMetrics metrics = new BrokerMetrics();
    final BrokerConfig config;
    final String clusterId;
    final int nodeId;
    /** Where clients are told to connect: known before the first request is served, never changes. */
    final String advertisedHost;
    final int advertisedPort;

    /** Starts and holds the group coordinator off the network threads. */
    final GroupCoordinatorLoader groupLoader;

    BrokerState(LogEngine engine, BrokerConfig config, String advertisedHost, int advertisedPort,
                Supplier<GroupCoordinator> coordinatorLoad) {
        this.engine = engine;
        this.groupLoader = new GroupCoordinatorLoader(engine, coordinatorLoad);
        this.config = config;
        this.clusterId = readClusterId(engine);
        this.nodeId = config.nodeId();
        this.advertisedHost = advertisedHost;
        this.advertisedPort = advertisedPort;
        this.produceBackPressure = new ProduceBackPressure(engine.config().appendTimeoutMs());
    }

    /**
     * The engine's group coordinator, or null while it is loaded on its own thread (the first call
     * starts the load): group handlers then answer {@link #groupsUnavailable()}. Never waits.
     */
    GroupCoordinator groupsOrStartLoad() {
        return groupLoader.coordinatorOrStartLoad();
    }

    /** COORDINATOR_LOAD_IN_PROGRESS while loading; COORDINATOR_NOT_AVAILABLE once the engine is closed. */
    GroupError groupsUnavailable() {
        return groupLoader.unavailableError();
    }

    /** Auto-created topics: the broker's partition count and the engine's topic defaults. */
    void autoCreate(String topic) {
        engine.createTopic(topic, config.numPartitions(), TopicConfig.defaults());
    }

    private static String readClusterId(LogEngine engine) {
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(Files.readString(
                    engine.dataDir().resolve(LogEngine.META_PROPERTIES), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + LogEngine.META_PROPERTIES + ": " + e.getMessage(), e);
        }
        return properties.getProperty("cluster.id", "fjord");
    }
}
