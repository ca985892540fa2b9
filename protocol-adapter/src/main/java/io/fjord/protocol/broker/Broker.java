package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.TopicNames;
import io.fjord.net.NetMetrics;
import io.fjord.net.NetServer;

import io.fjord.net.ListenSocket;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

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

    private Broker(LogEngine engine, FetchPurgatory purgatory, AdminExecutor admin, NetServer server,
                   BrokerState state) {
        this.engine = engine;
        this.purgatory = purgatory;
        this.admin = admin;
        this.server = server;
        this.state = state;
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
        return new Broker(engine, purgatory, admin, server, state);
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

    @Override
    public void close() {
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
