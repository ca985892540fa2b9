package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.TopicConfig;
import io.fjord.log.group.GroupConfig;
import io.fjord.net.NetConfig;
import io.fjord.protocol.metrics.HttpListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The broker's settings, read from Kafka's config names where Kafka has one ({@code listeners},
 * {@code advertised.listeners}, {@code log.dirs}, {@code num.partitions}, {@code log.retention.ms},
 * ...). Immutable; build with {@link #builder()} or {@link #fromProperties(Map)}.
 */
public final class BrokerConfig {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9092;
    public static final String DEFAULT_DATA_DIR = "data";
    public static final int DEFAULT_NODE_ID = 1;
    /** Kafka's {@code num.partitions}: partitions of an auto-created topic. */
    public static final int DEFAULT_NUM_PARTITIONS = 1;
    /** Kafka's {@code auto.create.topics.enable}. */
    public static final boolean DEFAULT_AUTO_CREATE_TOPICS = true;
    /** Waiting fetches (long polls) held at once; beyond this a fetch is answered at once. */
    public static final int DEFAULT_MAX_WAITING_FETCHES = 10_000;
    /** Upper bound on a fetch's max_wait_ms, whatever the client asks. */
    public static final int DEFAULT_MAX_FETCH_WAIT_MS = 30_000;

    private final String host;
    private final int port;
    private final String advertisedHost;
    private final int advertisedPort;
    private final Path dataDir;
    private final int nodeId;
    private final int numPartitions;
    private final boolean autoCreateTopics;
    private final int maxWaitingFetches;
    private final int maxFetchWaitMs;
    private final TopicConfig topicDefaults;
    private final GroupConfig groupConfig;
    private final List<Consumer<EngineConfig.Builder>> engineSettings;
    private final NetConfig.Builder net;
    private final HttpListener httpListener;
    private final boolean jmx;

    private BrokerConfig(Builder b) {
        this.httpListener = b.httpListener;
        this.jmx = b.jmx;
        this.groupConfig = b.groupConfig;
        this.engineSettings = List.copyOf(b.engineSettings);
        this.host = b.host;
        this.port = b.port;
        this.advertisedHost = b.advertisedHost != null ? b.advertisedHost : b.host;
        this.advertisedPort = b.advertisedPort;
        this.dataDir = b.dataDir;
        this.nodeId = b.nodeId;
        this.numPartitions = b.numPartitions;
        this.autoCreateTopics = b.autoCreateTopics;
        this.maxWaitingFetches = b.maxWaitingFetches;
        this.maxFetchWaitMs = b.maxFetchWaitMs;
        this.topicDefaults = b.topicDefaults;
        this.net = b.net;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A broker on 127.0.0.1 and the given port (0: any free port), as tests and embedders want. */
    public static BrokerConfig port(int port) {
        return builder().listener(DEFAULT_HOST, port).build();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The host clients are told to connect to; -1 port means "the bound port". */
    public String advertisedHost() {
        return advertisedHost;
    }

    public int advertisedPort() {
        return advertisedPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int nodeId() {
        return nodeId;
    }

    public int numPartitions() {
        return numPartitions;
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    public int maxWaitingFetches() {
        return maxWaitingFetches;
    }

    public int maxFetchWaitMs() {
        return maxFetchWaitMs;
    }

    public TopicConfig topicDefaults() {
        return topicDefaults;
    }

    /**
     * Where {@code /metrics} and {@code /health} are served ({@code fjord.http.listener}), or null for
     * none. Read from properties ({@code bin/fjord broker}) it defaults to {@code http://127.0.0.1:9644},
     * or to port 0 when the Kafka listener's port is 0, so that brokers on ephemeral ports (tests) never
     * collide on it; a broker built in code has none unless {@link Builder#httpListener} sets one.
     */
    public HttpListener httpListener() {
        return httpListener;
    }

    /**
     * Whether the broker registers its metrics as MBeans under Kafka's names. On for a broker read from
     * properties ({@code bin/fjord broker}), off for one built in code unless {@link Builder#jmx} asks:
     * Kafka's names carry no broker id, so one JVM holds one set (a second broker asking is warned and
     * serves its metrics over HTTP only).
     */
    public boolean jmx() {
        return jmx;
    }

    /**
     * Consumer-group limits and timings read from {@code group.*} and {@code offsets.*}. The
     * coordinator belongs to the engine, so these take effect through
     * {@code EngineConfig.builder(...).groupConfig(...)} when the engine is opened (as
     * {@code bin/fjord broker} does); a broker started on an already open engine uses the engine's.
     */
    public GroupConfig groupConfig() {
        return groupConfig;
    }

    /**
     * The engine settings these properties imply, for opening the engine the broker serves: the data
     * directory, topic defaults, group settings, and the engine-wide ones ({@code log.cleaner.*},
     * {@code fjord.max.decompressed.batch.bytes}).
     */
    public EngineConfig engineConfig() {
        EngineConfig.Builder builder = EngineConfig.builder(dataDir).topicDefaults(topicDefaults).groupConfig(groupConfig);
        engineSettings.forEach(setting -> setting.accept(builder));
        return builder.build();
    }

    /** Network settings, with host and port filled in. */
    public NetConfig netConfig() {
        return net.host(host).port(port).build();
    }

    /**
     * Reads Kafka-named broker settings; Kafka's own {@code server.properties} loads. Unknown names are
     * refused, so a typo never silently falls back to a default; Kafka's names Fjord does not implement
     * are ignored with a warning or refused with the reason ({@link KafkaBrokerConfigTable}).
     */
    public static BrokerConfig fromProperties(Map<String, String> kafkaProperties) {
        // A Kafka server.properties: its cluster shape (roles, quorum, listener names) read as one node.
        Map<String, String> properties = KafkaServerProperties.singleNode(kafkaProperties);
        Builder builder = builder();
        Map<String, String> topicDefaults = new LinkedHashMap<>();
        boolean httpListenerSet = false;
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            String key = entry.getKey().trim();
            String value = entry.getValue().trim();
            switch (key) {
                case "listeners" -> {
                    Listener listener = Listener.parse(key, value);
                    builder.listener(listener.host(), listener.port());
                }
                case "advertised.listeners" -> {
                    Listener listener = Listener.parse(key, value);
                    builder.advertised(listener.host(), listener.port());
                }
                case "log.dirs", "log.dir" -> {
                    if (value.contains(",")) {
                        throw new InvalidConfigException(key + ": Fjord uses one data directory, got '" + value + "'");
                    }
                    builder.dataDir(Path.of(value));
                }
                case "node.id", "broker.id" -> builder.nodeId(parseInt(key, value, 0, Integer.MAX_VALUE));
                case "num.partitions" -> builder.numPartitions(parseInt(key, value, 1, 10_000));
                case "auto.create.topics.enable" -> builder.autoCreateTopics(parseBoolean(key, value));
                case "fjord.max.waiting.fetches" -> builder.maxWaitingFetches(parseInt(key, value, 0, 1_000_000));
                case HttpListener.CONFIG -> {
                    builder.httpListener(HttpListener.parse(value));
                    httpListenerSet = true;
                }
                case "fjord.max.fetch.wait.ms" -> builder.maxFetchWaitMs(parseInt(key, value, 0, 600_000));
                case "socket.request.max.bytes" -> builder.net.maxFrameBytes(parseInt(key, value, 1024, Integer.MAX_VALUE));
                case "max.connections" -> builder.net.maxConnections(parseInt(key, value, 1, Integer.MAX_VALUE));
                case "connections.max.idle.ms" -> builder.net.idleTimeoutMs(parseLong(key, value, 1, Long.MAX_VALUE));
                case "num.network.threads" -> builder.net.selectorThreads(parseInt(key, value, 1, 64));
                // Kafka's names; -1 (Fjord's default, unlike Kafka's 100 KiB send buffer) keeps the OS's autotuning.
                case "socket.send.buffer.bytes" -> builder.net.socketSendBufferBytes(socketBuffer(key, value));
                case "socket.receive.buffer.bytes" -> builder.net.socketReceiveBufferBytes(socketBuffer(key, value));
                // Parsed here, not when the engine config is built, so a bad value fails at once.
                case "fjord.max.decompressed.batch.bytes" -> {
                    int bytes = parseInt(key, value, 1024, Integer.MAX_VALUE);
                    builder.engine(engine -> engine.maxDecompressedBatchBytes(bytes));
                }
                case "fjord.max.open.files" -> {
                    int files = parseInt(key, value, 1, Integer.MAX_VALUE);
                    builder.engine(engine -> engine.maxOpenFiles(files));
                }
                case "num.recovery.threads.per.data.dir" -> {
                    int threads = parseInt(key, value, 1, 64);
                    builder.engine(engine -> engine.recoveryThreads(threads));
                }
                case "fjord.max.mapped.segments" -> {
                    int segments = parseInt(key, value, 1, Integer.MAX_VALUE);
                    builder.engine(engine -> engine.maxMappedSegments(segments));
                }
                case "log.cleaner.threads" -> {
                    int threads = parseInt(key, value, 1, 64);
                    builder.engine(engine -> engine.cleanerThreads(threads));
                }
                case "log.cleaner.dedupe.buffer.size" -> {
                    long bytes = parseLong(key, value, 1024, Long.MAX_VALUE);
                    builder.engine(engine -> engine.cleanerDedupeBufferBytes(bytes));
                }
                case "log.cleaner.io.buffer.size" -> {
                    int bytes = parseInt(key, value, 1024, Integer.MAX_VALUE);
                    builder.engine(engine -> engine.cleanerIoBufferBytes(bytes));
                }
                case "log.cleaner.backoff.ms" -> {
                    long ms = parseLong(key, value, 1, Long.MAX_VALUE);
                    builder.engine(engine -> engine.cleanerCheckIntervalMs(ms));
                }
                case "log.cleaner.io.max.bytes.per.second" -> {
                    long rate = parseBytesPerSecond(key, value);
                    builder.engine(engine -> engine.cleanerIoMaxBytesPerSecond(rate));
                }
                // Lines per minute for each kind of client-caused event (refused request, invalid frame, ...).
                case "fjord.log.rate.limit.per.minute" -> builder.net.logLinesPerCausePerMinute(
                        parseInt(key, value, 0, Integer.MAX_VALUE));
                case "fjord.frame.pool.bytes" -> builder.net.framePoolBytes(parseLong(key, value, 0, Long.MAX_VALUE));
                case "fjord.max.pooled.frame.bytes" -> builder.net.maxPooledFrameBytes(
                        parseInt(key, value, NetConfig.MIN_POOLED_FRAME_BYTES, 1 << 30));
                case "log.segment.bytes" -> topicDefaults.put(TopicConfig.SEGMENT_BYTES, value);
                case "log.roll.ms" -> topicDefaults.put(TopicConfig.SEGMENT_MS, value);
                case "log.roll.hours" -> topicDefaults.put(TopicConfig.SEGMENT_MS, hoursToMs(key, value));
                case "log.index.size.max.bytes" -> topicDefaults.put(TopicConfig.SEGMENT_INDEX_BYTES, value);
                case "log.index.interval.bytes" -> topicDefaults.put(TopicConfig.INDEX_INTERVAL_BYTES, value);
                case "log.retention.ms" -> topicDefaults.put(TopicConfig.RETENTION_MS, value);
                case "log.retention.minutes" -> topicDefaults.put(TopicConfig.RETENTION_MS,
                        Long.toString(parseLong(key, value, -1, Long.MAX_VALUE / 60_000) * 60_000));
                case "log.retention.hours" -> topicDefaults.put(TopicConfig.RETENTION_MS, hoursToMs(key, value));
                case "log.retention.bytes" -> topicDefaults.put(TopicConfig.RETENTION_BYTES, value);
                case "log.flush.interval.messages" -> topicDefaults.put(TopicConfig.FLUSH_MESSAGES, value);
                case "log.flush.interval.ms" -> topicDefaults.put(TopicConfig.FLUSH_MS, value);
                case "message.max.bytes" -> topicDefaults.put(TopicConfig.MAX_MESSAGE_BYTES, value);
                case "log.segment.delete.delay.ms" -> topicDefaults.put(TopicConfig.FILE_DELETE_DELAY_MS, value);
                case "log.cleanup.policy" -> topicDefaults.put(TopicConfig.CLEANUP_POLICY, value);
                case "log.message.timestamp.before.max.ms" ->
                        topicDefaults.put(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, value);
                case "log.message.timestamp.after.max.ms" ->
                        topicDefaults.put(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, value);
                case "fjord.durability" -> topicDefaults.put(TopicConfig.DURABILITY, value);
                // Broker-wide defaults of topic configs under Kafka's broker names (its ServerTopicConfigSynonyms).
                case TopicConfig.COMPRESSION_TYPE, TopicConfig.COMPRESSION_GZIP_LEVEL, TopicConfig.COMPRESSION_LZ4_LEVEL,
                        TopicConfig.COMPRESSION_ZSTD_LEVEL, TopicConfig.MIN_INSYNC_REPLICAS,
                        TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE -> topicDefaults.put(key, value);
                case "log.roll.jitter.ms" -> topicDefaults.put(TopicConfig.SEGMENT_JITTER_MS, value);
                case "log.preallocate" -> topicDefaults.put(TopicConfig.PREALLOCATE, value);
                case "log.cleaner.delete.retention.ms" -> topicDefaults.put(TopicConfig.DELETE_RETENTION_MS, value);
                case "log.cleaner.min.compaction.lag.ms" -> topicDefaults.put(TopicConfig.MIN_COMPACTION_LAG_MS, value);
                case "log.cleaner.max.compaction.lag.ms" -> topicDefaults.put(TopicConfig.MAX_COMPACTION_LAG_MS, value);
                case "log.cleaner.min.cleanable.ratio" -> topicDefaults.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, value);
                case "group.initial.rebalance.delay.ms" -> builder.groupConfig = builder.groupConfig
                        .withInitialRebalanceDelayMs(parseInt(key, value, 0, Integer.MAX_VALUE));
                case "group.min.session.timeout.ms" -> builder.groupConfig = builder.groupConfig
                        .withMinSessionTimeoutMs(parseInt(key, value, 1, Integer.MAX_VALUE));
                case "group.max.session.timeout.ms" -> builder.groupConfig = builder.groupConfig
                        .withMaxSessionTimeoutMs(parseInt(key, value, 1, Integer.MAX_VALUE));
                case "group.max.size" -> builder.groupConfig = builder.groupConfig
                        .withMaxMembersPerGroup(parseInt(key, value, 1, Integer.MAX_VALUE));
                case "offset.metadata.max.bytes" -> builder.groupConfig = builder.groupConfig
                        .withMaxMetadataBytes(parseInt(key, value, 0, Integer.MAX_VALUE));
                case "offsets.retention.minutes" -> builder.groupConfig = builder.groupConfig
                        .withOffsetsRetentionMs(parseLong(key, value, 1, Long.MAX_VALUE / 60_000) * 60_000);
                case "offsets.retention.check.interval.ms" -> builder.groupConfig = builder.groupConfig
                        .withOffsetsRetentionCheckIntervalMs(parseLong(key, value, 1, Long.MAX_VALUE));
                case "offsets.topic.num.partitions" -> builder.groupConfig = builder.groupConfig
                        .withOffsetsTopicPartitions(parseInt(key, value, 1, 1000));
                case "offsets.topic.segment.bytes" -> builder.groupConfig = builder.groupConfig
                        .withOffsetsTopicSegmentBytes(parseInt(key, value, TopicConfig.MIN_SEGMENT_BYTES, Integer.MAX_VALUE));
                // Kafka's keys Fjord does not implement: ignored with a warning, or refused where that is unsafe.
                default -> KafkaBrokerConfigTable.ignoreOrRefuse(key, value);
            }
        }
        builder.topicDefaults(TopicConfig.of(topicDefaults));
        if (!httpListenerSet) {
            builder.httpListener(new HttpListener(HttpListener.DEFAULT_HOST,
                    builder.port == 0 ? 0 : HttpListener.DEFAULT_PORT));
        }
        builder.jmx(true);
        return builder.build();
    }

    private static String hoursToMs(String key, String value) {
        long hours = parseLong(key, value, -1, Long.MAX_VALUE / 3_600_000);
        return Long.toString(hours < 0 ? -1 : hours * 3_600_000);
    }

    private static int parseInt(String key, String value, int min, int max) {
        return (int) parseLong(key, value, min, max);
    }

    private static long parseLong(String key, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": '" + value + "' is not a number");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidConfigException(key + ": " + parsed + " is not in [" + min + ", " + max + "]");
        }
        return parsed;
    }

    private static int socketBuffer(String key, String value) {
        int bytes = parseInt(key, value, -1, Integer.MAX_VALUE);
        if (bytes == 0) {
            throw new InvalidConfigException(key + ": 0 is not a buffer size; -1 leaves it to the OS");
        }
        return bytes;
    }

    /** Kafka's type for this is a double whose default, Double.MAX_VALUE, means no cap. */
    private static long parseBytesPerSecond(String key, String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": '" + value + "' is not a number");
        }
        if (!(parsed >= 1)) {
            throw new InvalidConfigException(key + ": " + value + " must be at least 1 byte per second");
        }
        return parsed >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) parsed;
    }

    private static boolean parseBoolean(String key, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new InvalidConfigException(key + ": '" + value + "' is not true or false");
    }

    /** One {@code PLAINTEXT://host:port} listener (the only security protocol served). */
    record Listener(String host, int port) {
        static Listener parse(String key, String value) {
            String spec = value;
            if (spec.contains(",")) {
                throw new InvalidConfigException(key + ": one listener is supported, got '" + value + "'");
            }
            int scheme = spec.indexOf("://");
            if (scheme >= 0) {
                String protocol = spec.substring(0, scheme);
                if (!protocol.equals("PLAINTEXT")) {
                    throw new InvalidConfigException(key + ": only PLAINTEXT listeners are supported, got '"
                            + protocol + "'");
                }
                spec = spec.substring(scheme + 3);
            }
            int colon = spec.lastIndexOf(':');
            if (colon < 0) {
                throw new InvalidConfigException(key + ": expected host:port, got '" + value + "'");
            }
            String host = spec.substring(0, colon);
            if (host.isEmpty()) {
                host = DEFAULT_HOST;
            }
            return new Listener(host, parseInt(key, spec.substring(colon + 1), 0, 65535));
        }
    }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String advertisedHost;
        private int advertisedPort = -1;
        private Path dataDir = Path.of(DEFAULT_DATA_DIR);
        private int nodeId = DEFAULT_NODE_ID;
        private int numPartitions = DEFAULT_NUM_PARTITIONS;
        private boolean autoCreateTopics = DEFAULT_AUTO_CREATE_TOPICS;
        private int maxWaitingFetches = DEFAULT_MAX_WAITING_FETCHES;
        private int maxFetchWaitMs = DEFAULT_MAX_FETCH_WAIT_MS;
        private TopicConfig topicDefaults = TopicConfig.defaults();
        private GroupConfig groupConfig = GroupConfig.defaults();
        private final List<Consumer<EngineConfig.Builder>> engineSettings = new ArrayList<>();
        private final NetConfig.Builder net = NetConfig.builder();
        private HttpListener httpListener;
        private boolean jmx;

        public Builder listener(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        public Builder advertised(String host, int port) {
            this.advertisedHost = Objects.requireNonNull(host, "host");
            this.advertisedPort = port;
            return this;
        }

        /** An engine-wide setting for {@link BrokerConfig#engineConfig()}; later settings win. */
        Builder engine(Consumer<EngineConfig.Builder> setting) {
            engineSettings.add(setting);
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        public Builder numPartitions(int numPartitions) {
            this.numPartitions = numPartitions;
            return this;
        }

        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        public Builder maxWaitingFetches(int maxWaitingFetches) {
            this.maxWaitingFetches = maxWaitingFetches;
            return this;
        }

        public Builder maxFetchWaitMs(int maxFetchWaitMs) {
            this.maxFetchWaitMs = maxFetchWaitMs;
            return this;
        }

        public Builder topicDefaults(TopicConfig topicDefaults) {
            this.topicDefaults = Objects.requireNonNull(topicDefaults, "topicDefaults");
            return this;
        }

        public Builder groupConfig(GroupConfig groupConfig) {
            this.groupConfig = Objects.requireNonNull(groupConfig, "groupConfig");
            return this;
        }

        /** Where to serve {@code /metrics} and {@code /health}; null (the default in code) for none. */
        public Builder httpListener(HttpListener httpListener) {
            this.httpListener = httpListener;
            return this;
        }

        /** Register Kafka-named MBeans (see {@link BrokerConfig#jmx()}); off by default in code. */
        public Builder jmx(boolean jmx) {
            this.jmx = jmx;
            return this;
        }

        /** Network limits (frame size, connections, in-flight requests, idle timeout, threads). */
        public NetConfig.Builder net() {
            return net;
        }

        public BrokerConfig build() {
            return new BrokerConfig(this);
        }
    }
}
