package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.TopicConfig;
import io.fjord.log.group.GroupConfig;
import io.fjord.net.NetConfig;
import io.fjord.protocol.metrics.HttpListener;

import java.nio.file.Path;
import java.util.ArrayList;
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
    /**
     * Threads of the admin executor ({@code fjord.admin.threads}): they run the admin requests that
     * wait on the disk. Two, so one slow DeleteTopics (waiting for the writers) does not hold up
     * a DeleteRecords; topic creation and deletion are serialised by the engine anyway.
     */
    public static final int DEFAULT_ADMIN_THREADS = 2;
    /**
     * Admin requests waiting for an admin thread ({@code fjord.max.queued.admin.requests}); beyond
     * that a request is answered REQUEST_TIMED_OUT at once (see {@code AdminExecutor}).
     */
    public static final int DEFAULT_MAX_QUEUED_ADMIN_REQUESTS = 100;

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
    private final int adminThreads;
    private final int maxQueuedAdminRequests;
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
        this.adminThreads = b.adminThreads;
        this.maxQueuedAdminRequests = b.maxQueuedAdminRequests;
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

    public int adminThreads() {
        return adminThreads;
    }

    public int maxQueuedAdminRequests() {
        return maxQueuedAdminRequests;
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
     * Reads Kafka-named broker settings; Kafka's own {@code server.properties} loads. Every setting Fjord
     * reads is one entry of {@link BrokerSettings}, which parses it; unknown names are refused, naming the
     * known ones, so a typo never silently falls back to a default; Kafka's names Fjord does not implement
     * are ignored with a warning or refused with the reason ({@link KafkaBrokerConfigTable}).
     */
    public static BrokerConfig fromProperties(Map<String, String> kafkaProperties) {
        // A Kafka server.properties: its cluster shape (roles, quorum, listener names) read as one node.
        return BrokerSettings.read(KafkaServerProperties.singleNode(kafkaProperties));
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
            return new Listener(host, BrokerSetting.parseInt(key, spec.substring(colon + 1), 0, 65535));
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
        private int adminThreads = DEFAULT_ADMIN_THREADS;
        private int maxQueuedAdminRequests = DEFAULT_MAX_QUEUED_ADMIN_REQUESTS;
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

        /** Threads running the admin requests that wait on the disk; at least 1. */
        public Builder adminThreads(int adminThreads) {
            if (adminThreads < 1) {
                throw new InvalidConfigException("fjord.admin.threads: " + adminThreads + " is not in [1, 64]");
            }
            this.adminThreads = adminThreads;
            return this;
        }

        /** Admin requests that may wait for an admin thread; beyond, REQUEST_TIMED_OUT. 0: none waits. */
        public Builder maxQueuedAdminRequests(int maxQueuedAdminRequests) {
            if (maxQueuedAdminRequests < 0) {
                throw new InvalidConfigException("fjord.max.queued.admin.requests: " + maxQueuedAdminRequests
                        + " is negative");
            }
            this.maxQueuedAdminRequests = maxQueuedAdminRequests;
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
        /** The Kafka listener's port set so far (0: a free one). */
        int port() {
            return port;
        }

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
