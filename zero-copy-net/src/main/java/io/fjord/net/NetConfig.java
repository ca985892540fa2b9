package io.fjord.net;

import java.util.Objects;

/**
 * Settings of a {@link NetServer}: where to listen, how many threads, and a limit on everything a
 * peer can make the server hold (frame size, connections, in-flight requests, queued response
 * bytes, idle time). Each limit is a named constant with its default next to it.
 *
 * <p>Immutable and therefore thread-safe; build one with {@link #builder()}.
 */
public final class NetConfig {

    /**
     * Loopback, not the wildcard: a server started with defaults must not be reachable from other
     * hosts by accident. The broker sets its listener address explicitly.
     */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** 0 asks the OS for an ephemeral port; read it back with {@link NetServer#boundAddress()}. */
    public static final int DEFAULT_PORT = 0;

    /**
     * Two selector threads, or one on a single core. Each selector thread moves hundreds of MB/s of
     * size-prefixed frames; request handling, not the selector, is the bottleneck on our 2-core
     * machines, and Kafka's own default (num.network.threads=3) is in the same range.
     */
    public static final int DEFAULT_SELECTOR_THREADS =
        Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    /** Kafka's socket.listen.backlog.size default, also the JDK's default backlog. */
    public static final int DEFAULT_LISTEN_BACKLOG = 50;

    /**
     * 100 MiB, Kafka's socket.request.max.bytes default. Checked before any buffer is allocated
     * for the frame, so a hostile size prefix cannot make the server allocate more than this.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

    /**
     * Kafka's max.connections default is unbounded; we bound it. 10,000 stays well under the usual
     * 65,536 open-file limit, leaving room for segment files and index mappings.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /**
     * Unanswered requests per connection before the server stops reading it. Kafka clients pipeline
     * at most 5 by default (max.in.flight.requests.per.connection); 100 leaves room for clients
     * that pipeline more (kafka-python's ApiVersions + Metadata burst, admin tools) while bounding
     * the handler work one connection can queue.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 100;

    /**
     * Response bytes queued on one connection but not yet written before the server stops reading
     * it: the back-pressure for a client that sends but does not read. 64 MiB is a few fetch
     * responses (fetch.max.bytes default is 50 MiB) and bounds heap held per slow reader. File
     * segments count their length here too although they occupy no heap: the limit is about how
     * far a client may fall behind, not only about memory.
     */
    public static final long DEFAULT_MAX_QUEUED_RESPONSE_BYTES = 64L * 1024 * 1024;

    /**
     * 10 minutes, Kafka's connections.max.idle.ms default. Idle means no byte read or written, as in
     * Kafka: a request left unanswered that long is cut off with its connection, which also bounds
     * what a handler that forgets to answer can leak. Checked at most once a second (an O(connections)
     * scan per selector thread), so a connection may live up to a second past the limit.
     */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 600_000L;

    /**
     * Marker for "leave SO_SNDBUF / SO_RCVBUF to the OS". On Linux that keeps TCP buffer
     * autotuning, which setting an explicit size disables.
     */
    public static final int OS_DEFAULT_SOCKET_BUFFER = -1;

    /**
     * Frames smaller than this are read into plain heap buffers: for a heartbeat or a metadata
     * request the copies a direct buffer saves are a few hundred bytes, less than the pool's own cost.
     */
    public static final int MIN_POOLED_FRAME_BYTES = 4 * 1024;

    /**
     * 1 MiB, Kafka's max.request.size default: every produce request of a default producer is read
     * into a pooled direct buffer. Larger frames (up to {@link #DEFAULT_MAX_FRAME_BYTES}) are read into
     * heap buffers, so the pool's classes stay few and its idle memory small.
     */
    public static final int DEFAULT_MAX_POOLED_FRAME_BYTES = 1024 * 1024;

    /**
     * 32 MiB of idle direct receive buffers kept for reuse, across all connections: enough for a few
     * hundred in-flight 64 KiB produce requests; the rest is allocated on demand and dropped on
     * release. 0 turns pooling off (every frame on the heap).
     */
    public static final long DEFAULT_FRAME_POOL_BYTES = 32L * 1024 * 1024;

    /**
     * Log lines per minute for each kind of event a peer can cause (an invalid frame, a rejected
     * connection, a handler failure, ...): 10, then one summary line of how many were left out. Every
     * event is still counted in {@link NetMetrics}. The broker's {@code fjord.log.rate.limit.per.minute}.
     */
    public static final int DEFAULT_LOG_LINES_PER_CAUSE_PER_MINUTE = 10;

    /** Prefix of every thread the server starts, followed by the bound port. */
    public static final String DEFAULT_THREAD_NAME_PREFIX = "fjord-net";

    private final String host;
    private final int port;
    private final int selectorThreads;
    private final int listenBacklog;
    private final int maxFrameBytes;
    private final int maxConnections;
    private final int maxInFlightRequests;
    private final long maxQueuedResponseBytes;
    private final long idleTimeoutMs;
    private final int socketSendBufferBytes;
    private final int socketReceiveBufferBytes;
    private final String threadNamePrefix;
    private final int maxPooledFrameBytes;
    private final long framePoolBytes;
    private final int logLinesPerCausePerMinute;

    private NetConfig(final Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.selectorThreads = b.selectorThreads;
        this.listenBacklog = b.listenBacklog;
        this.maxFrameBytes = b.maxFrameBytes;
        this.maxConnections = b.maxConnections;
        this.maxInFlightRequests = b.maxInFlightRequests;
        this.maxQueuedResponseBytes = b.maxQueuedResponseBytes;
        this.idleTimeoutMs = b.idleTimeoutMs;
        this.socketSendBufferBytes = b.socketSendBufferBytes;
        this.socketReceiveBufferBytes = b.socketReceiveBufferBytes;
        this.threadNamePrefix = b.threadNamePrefix;
        this.maxPooledFrameBytes = b.maxPooledFrameBytes;
        this.framePoolBytes = b.framePoolBytes;
        this.logLinesPerCausePerMinute = b.logLinesPerCausePerMinute;
    }

    /** @return a builder holding every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a config with every default */
    public static NetConfig defaults() {
        return builder().build();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int selectorThreads() {
        return selectorThreads;
    }

    public int listenBacklog() {
        return listenBacklog;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    public long maxQueuedResponseBytes() {
        return maxQueuedResponseBytes;
    }

    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    /** @return SO_SNDBUF for accepted sockets, or {@link #OS_DEFAULT_SOCKET_BUFFER} */
    public int socketSendBufferBytes() {
        return socketSendBufferBytes;
    }

    /** @return SO_RCVBUF for the listening and accepted sockets, or {@link #OS_DEFAULT_SOCKET_BUFFER} */
    public int socketReceiveBufferBytes() {
        return socketReceiveBufferBytes;
    }

    public String threadNamePrefix() {
        return threadNamePrefix;
    }

    /** @return the largest frame read into a pooled direct buffer; larger ones go to the heap */
    public int maxPooledFrameBytes() {
        return maxPooledFrameBytes;
    }

    /** @return idle direct receive-buffer bytes kept for reuse; 0 means frames are never pooled */
    public long framePoolBytes() {
        return framePoolBytes;
    }

    /** @return log lines per minute for each kind of peer-caused event; see {@link RateLimitedLog} */
    public int logLinesPerCausePerMinute() {
        return logLinesPerCausePerMinute;
    }

    @Override
    public String toString() {
        return "NetConfig{host=" + host + ", port=" + port + ", selectorThreads=" + selectorThreads
            + ", listenBacklog=" + listenBacklog + ", maxFrameBytes=" + maxFrameBytes
            + ", maxConnections=" + maxConnections + ", maxInFlightRequests=" + maxInFlightRequests
            + ", maxQueuedResponseBytes=" + maxQueuedResponseBytes + ", idleTimeoutMs=" + idleTimeoutMs
            + ", socketSendBufferBytes=" + socketSendBufferBytes
            + ", socketReceiveBufferBytes=" + socketReceiveBufferBytes
            + ", maxPooledFrameBytes=" + maxPooledFrameBytes + ", framePoolBytes=" + framePoolBytes
            + ", logLinesPerCausePerMinute=" + logLinesPerCausePerMinute + '}';
    }

    /** Mutable builder; not thread-safe. {@link #build()} validates every value. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int selectorThreads = DEFAULT_SELECTOR_THREADS;
        private int listenBacklog = DEFAULT_LISTEN_BACKLOG;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        private long maxQueuedResponseBytes = DEFAULT_MAX_QUEUED_RESPONSE_BYTES;
        private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
        private int socketSendBufferBytes = OS_DEFAULT_SOCKET_BUFFER;
        private int socketReceiveBufferBytes = OS_DEFAULT_SOCKET_BUFFER;
        private String threadNamePrefix = DEFAULT_THREAD_NAME_PREFIX;
        private int maxPooledFrameBytes = DEFAULT_MAX_POOLED_FRAME_BYTES;
        private long framePoolBytes = DEFAULT_FRAME_POOL_BYTES;
        private int logLinesPerCausePerMinute = DEFAULT_LOG_LINES_PER_CAUSE_PER_MINUTE;

        private Builder() {
        }

        public Builder host(final String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(final int port) {
            this.port = port;
            return this;
        }

        public Builder selectorThreads(final int selectorThreads) {
            this.selectorThreads = selectorThreads;
            return this;
        }

        public Builder listenBacklog(final int listenBacklog) {
            this.listenBacklog = listenBacklog;
            return this;
        }

        public Builder maxFrameBytes(final int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder maxConnections(final int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder maxInFlightRequests(final int maxInFlightRequests) {
            this.maxInFlightRequests = maxInFlightRequests;
            return this;
        }

        public Builder maxQueuedResponseBytes(final long maxQueuedResponseBytes) {
            this.maxQueuedResponseBytes = maxQueuedResponseBytes;
            return this;
        }

        public Builder idleTimeoutMs(final long idleTimeoutMs) {
            this.idleTimeoutMs = idleTimeoutMs;
            return this;
        }

        public Builder socketSendBufferBytes(final int socketSendBufferBytes) {
            this.socketSendBufferBytes = socketSendBufferBytes;
            return this;
        }

        public Builder socketReceiveBufferBytes(final int socketReceiveBufferBytes) {
            this.socketReceiveBufferBytes = socketReceiveBufferBytes;
            return this;
        }

        public Builder threadNamePrefix(final String threadNamePrefix) {
            this.threadNamePrefix = Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
            return this;
        }

        public Builder maxPooledFrameBytes(final int maxPooledFrameBytes) {
            this.maxPooledFrameBytes = maxPooledFrameBytes;
            return this;
        }

        public Builder framePoolBytes(final long framePoolBytes) {
            this.framePoolBytes = framePoolBytes;
            return this;
        }

        /** Log lines per minute per kind of peer-caused event; 0 logs only the per-minute summaries. */
        public Builder logLinesPerCausePerMinute(final int logLinesPerCausePerMinute) {
            this.logLinesPerCausePerMinute = logLinesPerCausePerMinute;
            return this;
        }

        /**
         * @return the config
         * @throws IllegalArgumentException naming the first out-of-range setting
         */
        public NetConfig build() {
            require(port >= 0 && port <= 65_535, "port must be in [0, 65535]: " + port);
            require(selectorThreads >= 1, "selectorThreads must be >= 1: " + selectorThreads);
            require(listenBacklog >= 1, "listenBacklog must be >= 1: " + listenBacklog);
            require(maxFrameBytes >= 0, "maxFrameBytes must be >= 0: " + maxFrameBytes);
            require(maxConnections >= 1, "maxConnections must be >= 1: " + maxConnections);
            require(maxInFlightRequests >= 1, "maxInFlightRequests must be >= 1: " + maxInFlightRequests);
            require(maxQueuedResponseBytes >= 0,
                "maxQueuedResponseBytes must be >= 0: " + maxQueuedResponseBytes);
            require(idleTimeoutMs >= 1, "idleTimeoutMs must be >= 1: " + idleTimeoutMs);
            require(socketSendBufferBytes == OS_DEFAULT_SOCKET_BUFFER || socketSendBufferBytes > 0,
                "socketSendBufferBytes must be > 0 or -1 (OS default): " + socketSendBufferBytes);
            require(socketReceiveBufferBytes == OS_DEFAULT_SOCKET_BUFFER || socketReceiveBufferBytes > 0,
                "socketReceiveBufferBytes must be > 0 or -1 (OS default): " + socketReceiveBufferBytes);
            require(maxPooledFrameBytes >= MIN_POOLED_FRAME_BYTES && maxPooledFrameBytes <= (1 << 30),
                "maxPooledFrameBytes must be in [" + MIN_POOLED_FRAME_BYTES + ", 2^30]: " + maxPooledFrameBytes);
            require(framePoolBytes >= 0, "framePoolBytes must be >= 0: " + framePoolBytes);
            require(logLinesPerCausePerMinute >= 0,
                "logLinesPerCausePerMinute must be >= 0: " + logLinesPerCausePerMinute);
            return new NetConfig(this);
        }

        private static void require(final boolean condition, final String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
