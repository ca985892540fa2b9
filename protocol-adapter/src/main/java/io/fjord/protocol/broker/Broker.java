package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.TopicNames;
import io.fjord.net.NetMetrics;
import io.fjord.net.NetServer;

import io.fjord.net.ListenSocket;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.metrics.BrokerMetrics;
import io.fjord.protocol.metrics.HttpListener;
import io.fjord.protocol.metrics.KafkaJmx;
import io.fjord.protocol.metrics.MetricsHttpServer;
import io.fjord.protocol.metrics.PrometheusMetrics;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A Kafka-protocol broker on an existing {@link LogEngine}: what {@code bin/fjord broker} runs,
 * and what an application or a test starts in-process.
 * <pre>{@code
 * try (Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
 *     String bootstrap = broker.bootstrap();   // e.g. "127.0.0.1:40123"
 * }
 * }</pre>
 * Closing the broker leaves the engine open (the caller owns it).
 */
public final class Broker implements AutoCloseable {
    private final LogEngine engine;
    private final FetchPurgatory purgatory;
    private final AdminExecutor admin;
    private final NetServer server;
    private final BrokerState state;
    /** Set once start-up is done; cleared by close: what /health reports first. */
    private volatile boolean serving;
    private MetricsHttpServer http;
    /** Registers the MBeans off the start-up path (see {@link #startMetrics}); null without JMX. */
    private Thread jmxRegistration;
    private volatile KafkaJmx jmx;
    /** What the engine tells each flush's duration; removed on close if no later broker replaced it. */
    private final LongConsumer flushTimes;

    private Broker(LogEngine engine, FetchPurgatory purgatory, AdminExecutor admin, NetServer server,
                   BrokerState state) {
        this.engine = engine;
        this.purgatory = purgatory;
        this.admin = admin;
        this.server = server;
        this.state = state;
        this.flushTimes = state.metrics.flushTime()::recordNanos;
    }

    /**
     * Binds the listener, then starts the broker on it ({@link #listen(BrokerConfig)} and
     * {@link #start(LogEngine, BrokerConfig, ListenSocket)} in one call).
     *
     * @throws BrokerStartException if the listener cannot be bound
     */
    public static Broker start(LogEngine engine, BrokerConfig config) {
        return start(engine, config, listen(config));
    }

    /**
     * Binds the broker's listener without serving anything yet, so that a caller learns the port is
     * its own before it creates anything (the command line binds first, then opens the data directory).
     * Connections made meanwhile wait in the kernel's backlog.
     *
     * @throws BrokerStartException naming the address and the reason (e.g. address already in use)
     */
    public static ListenSocket listen(BrokerConfig config) {
        try {
            return ListenSocket.bind(config.netConfig());
        } catch (IOException e) {
            throw new BrokerStartException(cannotListen(config, e), e);
        }
    }

    /**
     * Starts serving on a listener bound by {@link #listen(BrokerConfig)}; the broker owns it from here
     * on (it is closed if this throws). Everything a request reads, the advertised host and port among
     * it, is set before the first connection is accepted: no client ever sees a half-started broker.
     */
    public static Broker start(LogEngine engine, BrokerConfig config, ListenSocket socket) {
        return start(engine, config, socket, engine::groupCoordinator);
    }

    /** With the coordinator's (blocking) start given: tests hold it to see requests answered meanwhile. */
    static Broker start(LogEngine engine, BrokerConfig config, ListenSocket socket,
                        Supplier<GroupCoordinator> coordinatorLoad) {
        InetSocketAddress bound = socket.boundAddress();
        int advertisedPort = config.advertisedPort() >= 0 ? config.advertisedPort() : bound.getPort();
        BrokerState state;
        try {
            state = new BrokerState(engine, config, config.advertisedHost(), advertisedPort, coordinatorLoad);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        FetchPurgatory purgatory = new FetchPurgatory(config.maxWaitingFetches());
        engine.addAppendListener(purgatory);
        AdminExecutor admin = new AdminExecutor(config.adminThreads(), config.maxQueuedAdminRequests(),
                state.protocolMetrics);
        NetServer server;
        try {
            server = NetServer.start(socket, new KafkaRequestRouter(state, purgatory, admin));
        } catch (IOException | RuntimeException e) {
            engine.removeAppendListener(purgatory);
            purgatory.close();
            admin.close();
            if (e instanceof IOException io) {
                throw new BrokerStartException("Cannot start the network threads on " + bound + ": "
                        + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        // Kafka loads the offsets partitions it leads at start-up; on a first start the topic is
        // created by the first FindCoordinator or group request instead.
        state.groupLoader.loadIfStored(TopicNames.CONSUMER_OFFSETS);
        Broker broker = new Broker(engine, purgatory, admin, server, state);
        try {
            broker.startMetrics(config);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        broker.serving = true;
        return broker;
    }

    /** Feeds the engine's flush times to the broker's histogram, then JMX and the HTTP endpoint if configured. */
    private void startMetrics(BrokerConfig config) {
        BrokerMetrics metrics = state.metrics;
        engine.metrics().flushTimeListener(flushTimes);
        if (config.jmx()) {
            // Measured: the platform MBean server costs ~100 ms of CPU to create and Kafka's ~170 names
            // ~75 ms to register; on a thread of their own they do not delay the first answer.
            Set<ApiKey> apis = EnumSet.noneOf(ApiKey.class);
            new SupportedApis().forEach((api, range) -> apis.add(api));
            jmxRegistration = new Thread(() -> jmx = KafkaJmx.register(metrics, engine, apis),
                    server.threadNamePrefix() + "jmx");
            jmxRegistration.setDaemon(true);
            jmxRegistration.start();
        }
        HttpListener listener = config.httpListener();
        if (listener == null) {
            return;
        }
        PrometheusMetrics exported = new PrometheusMetrics(engine, metrics, server.metrics(),
                protocolCounters(state.protocolMetrics));
        try {
            http = MetricsHttpServer.start(listener, exported, this::healthProblem,
                    server.threadNamePrefix() + "http");
        } catch (IOException e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new BrokerStartException("Cannot serve /metrics on " + listener + ": " + reason
                    + "; choose another address with " + HttpListener.CONFIG + "=http://HOST:PORT, or "
                    + HttpListener.NONE, e);
        }
    }

    private static Map<String, LongSupplier> protocolCounters(ProtocolMetrics protocol) {
        Map<String, LongSupplier> counters = new LinkedHashMap<>();
        counters.put("requests_without_header", protocol::requestsWithoutHeader);
        counters.put("unknown_api_keys", protocol::unknownApiKeys);
        counters.put("unsupported_versions", protocol::unsupportedVersions);
        counters.put("malformed_requests", protocol::malformedRequests);
        counters.put("handler_failures", protocol::handlerFailures);
        counters.put("log_lines_suppressed", protocol::logLinesSuppressed);
        return counters;
    }

    /**
     * What {@code /health} checks: the broker finished starting and is not closed, its engine is open,
     * and the disk is not full (appends would fail). Null when all hold, else the first that does not.
     */
    private String healthProblem() {
        if (!serving) {
            return "broker not serving (starting or closed)";
        }
        if (engine.isClosed()) {
            return "log engine closed";
        }
        if (engine.metrics().diskFull()) {
            return "disk full: appends fail until space is freed";
        }
        return null;
    }

    private static String cannotListen(BrokerConfig config, IOException e) {
        String address = config.host() + ":" + config.port();
        String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e instanceof BindException && reason.contains("in use")) {
            return "Cannot listen on " + address + ": address already in use (is another broker running?); "
                    + "stop it or choose another port with listeners=PLAINTEXT://HOST:PORT";
        }
        if (e instanceof BindException) {
            return "Cannot listen on " + address + ": " + reason
                    + "; check the host in listeners (it must be an address of this machine) and the port";
        }
        return "Cannot listen on " + address + ": " + reason;
    }

    /** {@code host:port} for a client's bootstrap.servers. */
    public String bootstrap() {
        return state.advertisedHost + ":" + state.advertisedPort;
    }

    public InetSocketAddress boundAddress() {
        return server.boundAddress();
    }

    /** The listener's counters: open, accepted and rejected connections, frames, bytes, errors. */
    public NetMetrics netMetrics() {
        return server.metrics();
    }

    /** Requests refused by cause (unknown API key, unsupported version, malformed, handler failure). */
    public ProtocolMetrics protocolMetrics() {
        return state.protocolMetrics;
    }

    /** The address of the {@code /metrics} and {@code /health} endpoint, or null when there is none. */
    public InetSocketAddress httpAddress() {
        MetricsHttpServer endpoint = http;
        return endpoint == null ? null : endpoint.boundAddress();
    }

    /** Request phases per API, traffic per topic and flush times, as exported on {@code /metrics} and JMX. */
    public BrokerMetrics metrics() {
        return state.metrics;
    }

    @Override
    public void close() {
        serving = false;
        if (http != null) {
            http.close();
        }
        if (jmxRegistration != null) {
            try {
                jmxRegistration.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (jmx != null) {
            jmx.close();
        }
        engine.metrics().removeFlushTimeListener(flushTimes);
        server.close();
        state.produceBackPressure.close();
        engine.removeAppendListener(purgatory);
        purgatory.close();
        admin.close(); // after the connections: queued admin requests are answered into closed connections
        state.groupLoader.close();
    }

    /** The admin executor (tests watch it close). */
    AdminExecutor admin() {
        return admin;
    }

    /** What the handlers share (tests look at the produce requests waiting for room). */
    BrokerState state() {
        return state;
    }

    /** The group coordinator this broker serves: the engine's, shared with in-process users. */
    public GroupCoordinator groupCoordinator() {
        return engine.groupCoordinator();
    }
}
