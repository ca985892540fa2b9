package io.fjord.connect;

import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.fjord.connect.ConfigValues.intInRange;
import static io.fjord.connect.ConfigValues.longInRange;
import static io.fjord.connect.ConfigValues.string;
import static io.fjord.connect.ConfigValues.withPrefix;

/**
 * The worker's settings, with the names of Kafka's standalone worker where Kafka has one. Exactly
 * one of {@code bootstrap.servers} (a broker over the wire) and {@code fjord.data.dir} (an
 * embedded {@code LogEngine} that the worker opens on that directory) says where the topics are.
 * Every limit has a default here; a bad value is a {@link ConfigException} naming the key.
 * Immutable.
 */
public final class WorkerConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** Open an embedded engine here. The directory must not be in use by a running broker (the engine locks it). */
    public static final String DATA_DIR = "fjord.data.dir";

    public static final String KEY_CONVERTER = "key.converter";
    public static final String VALUE_CONVERTER = "value.converter";
    public static final String HEADER_CONVERTER = "header.converter";
    /** Kafka's standalone worker requires the converters; Fjord defaults to JSON like Kafka's sample worker file. */
    public static final String DEFAULT_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";
    public static final String DEFAULT_HEADER_CONVERTER = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

    /** The compacted topic that holds source offsets (Kafka's distributed-mode name and format). */
    public static final String OFFSET_STORAGE_TOPIC = "offset.storage.topic";
    public static final String DEFAULT_OFFSET_STORAGE_TOPIC = "connect-offsets";
    public static final String OFFSET_STORAGE_PARTITIONS = "offset.storage.partitions";
    public static final int DEFAULT_OFFSET_STORAGE_PARTITIONS = 1;
    public static final String OFFSET_STORAGE_REPLICATION_FACTOR = "offset.storage.replication.factor";
    public static final short DEFAULT_OFFSET_STORAGE_REPLICATION_FACTOR = 1;

    /** How often tasks commit: source offsets to the offsets topic, sink offsets to the group. Kafka's default. */
    public static final String OFFSET_FLUSH_INTERVAL_MS = "offset.flush.interval.ms";
    public static final long DEFAULT_OFFSET_FLUSH_INTERVAL_MS = 60_000;
    /** How long one commit may wait for the producer to drain or the offsets to be written. Kafka's default. */
    public static final String OFFSET_FLUSH_TIMEOUT_MS = "offset.flush.timeout.ms";
    public static final long DEFAULT_OFFSET_FLUSH_TIMEOUT_MS = 5_000;
    /** How long stopping waits for each task thread before giving up on it. Kafka's default. */
    public static final String TASK_SHUTDOWN_TIMEOUT_MS = "task.shutdown.graceful.timeout.ms";
    public static final long DEFAULT_TASK_SHUTDOWN_TIMEOUT_MS = 5_000;
    /** How long reading the offsets topic back at start may take before the worker gives up. */
    public static final String OFFSET_READ_TIMEOUT_MS = "fjord.offset.read.timeout.ms";
    public static final long DEFAULT_OFFSET_READ_TIMEOUT_MS = 30_000;
    /** The longest a sink task's consumer poll blocks, so a stop or a due commit is seen promptly. */
    public static final String SINK_POLL_TIMEOUT_MS = "fjord.sink.poll.timeout.ms";
    public static final long DEFAULT_SINK_POLL_TIMEOUT_MS = 500;
    /** The most connectors one worker runs; each costs at least one thread per task. */
    public static final String MAX_CONNECTORS = "fjord.max.connectors";
    public static final int DEFAULT_MAX_CONNECTORS = 64;
    /** The most tasks one connector may ask for, whatever its {@code tasks.max}. */
    public static final String MAX_TASKS_PER_CONNECTOR = "fjord.max.tasks.per.connector";
    public static final int DEFAULT_MAX_TASKS_PER_CONNECTOR = 64;

    /** Prefixes passed through to the clients the worker creates, as in Kafka's worker. */
    public static final String PRODUCER_PREFIX = "producer.";
    public static final String CONSUMER_PREFIX = "consumer.";

    private final Map<String, String> originals;
    private final String bootstrapServers;
    private final Path dataDir;
    private final long offsetFlushIntervalMs;
    private final long offsetFlushTimeoutMs;
    private final long taskShutdownTimeoutMs;
    private final long offsetReadTimeoutMs;
    private final long sinkPollTimeoutMs;
    private final int maxConnectors;
    private final int maxTasksPerConnector;
    private final int offsetStoragePartitions;

    private WorkerConfig(Map<String, String> config) {
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        String bootstrap = string(config, BOOTSTRAP_SERVERS, null);
        String dir = string(config, DATA_DIR, null);
        if (bootstrap != null && dir != null) {
            throw new ConfigException("Set exactly one of \"" + BOOTSTRAP_SERVERS + "\" (connect to a broker) and \""
                    + DATA_DIR + "\" (open an embedded engine on that directory) in the worker config, not both");
        }
        this.bootstrapServers = bootstrap;
        this.dataDir = dir == null ? null : Path.of(dir);
        this.offsetFlushIntervalMs = longInRange(config, OFFSET_FLUSH_INTERVAL_MS, DEFAULT_OFFSET_FLUSH_INTERVAL_MS,
                1, Long.MAX_VALUE / 2);
        this.offsetFlushTimeoutMs = longInRange(config, OFFSET_FLUSH_TIMEOUT_MS, DEFAULT_OFFSET_FLUSH_TIMEOUT_MS,
                1, Integer.MAX_VALUE);
        this.taskShutdownTimeoutMs = longInRange(config, TASK_SHUTDOWN_TIMEOUT_MS, DEFAULT_TASK_SHUTDOWN_TIMEOUT_MS,
                1, Integer.MAX_VALUE);
        this.offsetReadTimeoutMs = longInRange(config, OFFSET_READ_TIMEOUT_MS, DEFAULT_OFFSET_READ_TIMEOUT_MS,
                1, Integer.MAX_VALUE);
        this.sinkPollTimeoutMs = longInRange(config, SINK_POLL_TIMEOUT_MS, DEFAULT_SINK_POLL_TIMEOUT_MS,
                1, 60_000);
        this.maxConnectors = intInRange(config, MAX_CONNECTORS, DEFAULT_MAX_CONNECTORS, 1, 10_000);
        this.maxTasksPerConnector = intInRange(config, MAX_TASKS_PER_CONNECTOR, DEFAULT_MAX_TASKS_PER_CONNECTOR,
                1, 10_000);
        this.offsetStoragePartitions = intInRange(config, OFFSET_STORAGE_PARTITIONS,
                DEFAULT_OFFSET_STORAGE_PARTITIONS, 1, 1_000);
        intInRange(config, OFFSET_STORAGE_REPLICATION_FACTOR, DEFAULT_OFFSET_STORAGE_REPLICATION_FACTOR,
                -1, Short.MAX_VALUE);
    }

    /** Parses and checks {@code config}; throws {@link ConfigException} naming the first bad key. */
    public static WorkerConfig of(Map<String, String> config) {
        return new WorkerConfig(config);
    }

    public Map<String, String> originals() {
        return originals;
    }

    /** Where the topics are, as this config says. */
    public enum Location {
        /** {@code bootstrap.servers}: a broker over the wire. */
        BROKER,
        /** {@code fjord.data.dir}: an engine the worker opens. */
        DATA_DIR,
        /** Neither: the application passes the engine to {@link ConnectWorker#start(io.fjord.log.LogEngine, WorkerConfig, java.util.List)}. */
        NONE
    }

    public Location location() {
        return bootstrapServers != null ? Location.BROKER : dataDir != null ? Location.DATA_DIR : Location.NONE;
    }

    /** True when the worker opens its own engine ({@code fjord.data.dir}); false for a broker. */
    public boolean embedded() {
        return dataDir != null;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String keyConverter() {
        return string(originals, KEY_CONVERTER, DEFAULT_CONVERTER);
    }

    public String valueConverter() {
        return string(originals, VALUE_CONVERTER, DEFAULT_CONVERTER);
    }

    public String headerConverter() {
        return string(originals, HEADER_CONVERTER, DEFAULT_HEADER_CONVERTER);
    }

    public String offsetStorageTopic() {
        return string(originals, OFFSET_STORAGE_TOPIC, DEFAULT_OFFSET_STORAGE_TOPIC);
    }

    public int offsetStoragePartitions() {
        return offsetStoragePartitions;
    }

    public long offsetFlushIntervalMs() {
        return offsetFlushIntervalMs;
    }

    public long offsetFlushTimeoutMs() {
        return offsetFlushTimeoutMs;
    }

    public long taskShutdownTimeoutMs() {
        return taskShutdownTimeoutMs;
    }

    public long offsetReadTimeoutMs() {
        return offsetReadTimeoutMs;
    }

    public long sinkPollTimeoutMs() {
        return sinkPollTimeoutMs;
    }

    public int maxConnectors() {
        return maxConnectors;
    }

    public int maxTasksPerConnector() {
        return maxTasksPerConnector;
    }

    /** {@code producer.*} settings with the prefix taken off. */
    public Map<String, String> producerOverrides() {
        return withPrefix(originals, PRODUCER_PREFIX);
    }

    /** {@code consumer.*} settings with the prefix taken off. */
    public Map<String, String> consumerOverrides() {
        return withPrefix(originals, CONSUMER_PREFIX);
    }
}
