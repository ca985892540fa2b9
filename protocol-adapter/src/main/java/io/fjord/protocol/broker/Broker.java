package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.net.NetMetrics;
import io.fjord.net.NetServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

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
    private final NetServer server;
    private final BrokerState state;

    private Broker(LogEngine engine, FetchPurgatory purgatory, NetServer server, BrokerState state) {
        this.engine = engine;
        this.purgatory = purgatory;
        this.server = server;
        this.state = state;
    }

    public static Broker start(LogEngine engine, BrokerConfig config) {
        BrokerState state = new BrokerState(engine, config);
        FetchPurgatory purgatory = new FetchPurgatory(config.maxWaitingFetches());
        engine.addAppendListener(purgatory);
        NetServer server;
        try {
            server = NetServer.start(config.netConfig(), new KafkaRequestRouter(state, purgatory));
        } catch (IOException | RuntimeException e) {
            engine.removeAppendListener(purgatory);
            purgatory.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("Cannot listen on " + config.host() + ":" + config.port() + ": "
                        + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        InetSocketAddress bound = server.boundAddress();
        state.advertisedHost = config.advertisedHost();
        state.advertisedPort = config.advertisedPort() >= 0 ? config.advertisedPort() : bound.getPort();
        return new Broker(engine, purgatory, server, state);
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
        engine.removeAppendListener(purgatory);
        purgatory.close();
    }

    /** The group coordinator this broker serves: the engine's, shared with in-process users. */
    public GroupCoordinator groupCoordinator() {
        return engine.groupCoordinator();
    }
}
