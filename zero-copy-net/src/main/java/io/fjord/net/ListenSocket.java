package io.fjord.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;

/**
 * A bound listening socket that nobody accepts on yet: the first half of starting a {@link NetServer}.
 *
 * <p>Binding first lets an application learn that the port is its own (and which port it got, for
 * port 0) before it creates anything else, and finish setting itself up (its advertised address, its
 * data directory) before {@link NetServer#start(ListenSocket, RequestHandler)} serves the first
 * request. Until then a client's connect completes in the kernel's backlog and waits there; it is
 * never answered by a half-built server.
 *
 * <p>Closing it before it is handed to a server releases the port; once handed over, the server owns it.
 * Not thread-safe: one owner at a time.
 */
public final class ListenSocket implements AutoCloseable {

    private final NetConfig config;
    private final ServerSocketChannel channel;
    private final InetSocketAddress boundAddress;

    private ListenSocket(final NetConfig config, final ServerSocketChannel channel,
                         final InetSocketAddress boundAddress) {
        this.config = config;
        this.channel = channel;
        this.boundAddress = boundAddress;
    }

    /**
     * Binds {@code config.host():config.port()} on the calling thread, so a taken port fails here.
     *
     * @throws IOException if the address cannot be bound (in use, not a local address, no permission)
     */
    public static ListenSocket bind(final NetConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        final ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            // A restarted broker must rebind at once, not wait out TIME_WAIT of its previous life.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (config.socketReceiveBufferBytes() != NetConfig.OS_DEFAULT_SOCKET_BUFFER) {
                // Set on the listener so accepted sockets get it before the handshake fixes the window scale.
                channel.setOption(StandardSocketOptions.SO_RCVBUF, config.socketReceiveBufferBytes());
            }
            channel.bind(new InetSocketAddress(config.host(), config.port()), config.listenBacklog());
            return new ListenSocket(config, channel, (InetSocketAddress) channel.getLocalAddress());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return the address actually bound, with the real port when the config asked for port 0 */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** @return the network settings this socket was bound with, which the server it is handed to uses */
    public NetConfig config() {
        return config;
    }

    ServerSocketChannel channel() {
        return channel;
    }

    /** Releases the port; a no-op on a socket already closed. Do not call once a server owns it. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            System.getLogger(ListenSocket.class.getName()).log(System.Logger.Level.DEBUG,
                "Error closing listening socket " + boundAddress, e);
        }
    }

    @Override
    public String toString() {
        return "ListenSocket{" + boundAddress + '}';
    }
}
