package io.fjord.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP server for 4-byte big-endian size-prefixed request frames, with ordered, pipelined responses
 * that the application builds from buffers and file regions ({@link Send}). Knows nothing of the
 * protocol inside the frames.
 *
 * <pre>{@code
 * try (NetServer server = NetServer.start(NetConfig.builder().port(9092).build(), ctx -> {
 *     ByteBuffer response = handle(ctx.frame());                 // must not block
 *     ByteBuffer size = ByteBuffer.allocate(4).putInt(0, response.remaining());
 *     ctx.respond(Send.of(size, response));                      // or later, from any thread
 * })) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Threads: one acceptor ({@code <prefix>-<port>-acceptor}) and {@link NetConfig#selectorThreads()}
 * selector threads ({@code <prefix>-<port>-network-<i>}); connections are dealt to selector threads
 * round-robin and stay on theirs for life. The handler runs on the selector threads.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and may be called from any thread.
 */
public final class NetServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NetServer.class.getName());

    /**
     * How long close() waits for each thread. Threads only block in select/accept, which close()
     * interrupts, so this is only reached if a handler blocks a selector thread against its contract.
     */
    static final long THREAD_JOIN_TIMEOUT_MS = 10_000;

    private final InetSocketAddress boundAddress;
    private final NetMetrics metrics;
    private final String threadNamePrefix;
    private final Acceptor acceptor;
    private final Thread acceptorThread;
    private final NetworkThread[] networkThreads;
    private final Thread[] networkThreadHandles;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NetServer(final InetSocketAddress boundAddress, final NetMetrics metrics, final String threadNamePrefix,
                      final Acceptor acceptor, final NetworkThread[] networkThreads) {
        this.boundAddress = boundAddress;
        this.metrics = metrics;
        this.threadNamePrefix = threadNamePrefix;
        this.acceptor = acceptor;
        this.networkThreads = networkThreads;
        this.acceptorThread = new Thread(acceptor, threadNamePrefix + "acceptor");
        this.networkThreadHandles = new Thread[networkThreads.length];
        for (int i = 0; i < networkThreads.length; i++) {
            networkThreadHandles[i] = new Thread(networkThreads[i], threadNamePrefix + "network-" + i);
        }
    }

    /**
     * Binds and starts serving. Binding happens on the calling thread, so a taken port fails here.
     *
     * @throws IOException if the address cannot be bound or a selector cannot be opened
     */
    public static NetServer start(final NetConfig config, final RequestHandler handler) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        return start(ListenSocket.bind(config), handler);
    }

    /**
     * Starts serving on a socket bound earlier with {@link ListenSocket#bind(NetConfig)}, with that
     * socket's config. The server owns the socket from here on, also when this throws (it is closed then).
     *
     * @throws IOException if a selector cannot be opened
     */
    public static NetServer start(final ListenSocket socket, final RequestHandler handler) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(handler, "handler");
        final NetConfig config = socket.config();
        final NetMetrics metrics = new NetMetrics();
        final NetworkThread[] networkThreads = new NetworkThread[config.selectorThreads()];
        final NetLog log = new NetLog(config, metrics);
        try {
            for (int i = 0; i < networkThreads.length; i++) {
                networkThreads[i] = new NetworkThread(config, metrics, log);
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            for (NetworkThread thread : networkThreads) {
                if (thread != null) {
                    thread.closeUnstarted();
                }
            }
            throw e;
        }
        final InetSocketAddress bound = socket.boundAddress();
        final String prefix = config.threadNamePrefix() + "-" + bound.getPort() + "-";
        final Acceptor acceptor = new Acceptor(socket.channel(), networkThreads, config, handler, metrics,
            FramePool.of(config));
        final NetServer server = new NetServer(bound, metrics, prefix, acceptor, networkThreads);
        for (Thread thread : server.networkThreadHandles) {
            thread.start();
        }
        server.acceptorThread.start();
        LOG.log(System.Logger.Level.INFO, "Listening on " + bound + " with " + config);
        return server;
    }

    /** @return the address actually bound, with the real port when the config asked for port 0 */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** @return this server's counters */
    public NetMetrics metrics() {
        return metrics;
    }

    /** @return the prefix of every thread name of this server, e.g. {@code fjord-net-40123-} */
    public String threadNamePrefix() {
        return threadNamePrefix;
    }

    /**
     * Stops accepting, closes every connection (pending responses are dropped, their listeners told
     * {@code false}) and waits for the server's threads to end. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Acceptor first: once it has ended, no connection can be handed to a stopping network thread.
        acceptor.shutdown();
        join(acceptorThread);
        for (NetworkThread thread : networkThreads) {
            thread.shutdown();
        }
        for (Thread thread : networkThreadHandles) {
            join(thread);
        }
        LOG.log(System.Logger.Level.INFO, "Closed server on " + boundAddress + ": " + metrics);
    }

    private static void join(final Thread thread) {
        if (thread == Thread.currentThread()) {
            return; // close() called from a handler: this thread ends when the handler returns
        }
        try {
            thread.join(THREAD_JOIN_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.ERROR, "Thread " + thread.getName() + " did not stop within "
                + THREAD_JOIN_TIMEOUT_MS + " ms; is a request handler blocking?");
        }
    }

    @Override
    public String toString() {
        return "NetServer{" + boundAddress + '}';
    }
}
