package io.fjord.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Accepts connections and deals them round-robin to the {@link NetworkThread}s.
 *
 * <p>A blocking {@code accept()} on its own thread: nothing else happens on this thread, so a selector
 * would only add a system call per connection. {@link #shutdown()} closes the listening channel, which
 * makes the blocked {@code accept()} throw and the thread exit.
 *
 * <p><b>maxConnections:</b> a connection over the limit is accepted and closed at once. Not accepting it
 * instead would leave it in the kernel's backlog, where the client sees a successful connect and then
 * silence until its own timeout, and the backlog fills for everyone; accept-then-close gives the client
 * an immediate end-of-stream (it retries or fails fast) and keeps the backlog moving.
 *
 * <p>Thread safety: runs on its own thread; {@link #shutdown()} may be called from any thread.
 */
final class Acceptor implements Runnable {

    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());

    /**
     * Pause after a failed accept that is not shutdown, typically EMFILE (out of file descriptors):
     * retrying at once would spin a core while the condition lasts.
     */
    static final long ACCEPT_FAILURE_BACKOFF_MS = 50;

    private final ServerSocketChannel serverChannel;
    private final NetworkThread[] networkThreads;
    private final NetConfig config;
    private final RequestHandler handler;
    private final NetMetrics metrics;
    private final FramePool framePool;
    /** Own causes: the acceptor's events are its alone, so they need not share the selectors' log. */
    private final RateLimitedLog.Cause rejectedLog;
    private final RateLimitedLog.Cause acceptFailedLog;
    private final AtomicLong nextConnectionId = new AtomicLong();
    private volatile boolean running = true;
    private int nextThread;

    Acceptor(final ServerSocketChannel serverChannel, final NetworkThread[] networkThreads,
             final NetConfig config, final RequestHandler handler, final NetMetrics metrics,
             final FramePool framePool) {
        this.serverChannel = serverChannel;
        this.framePool = framePool;
        this.networkThreads = networkThreads;
        this.config = config;
        this.handler = handler;
        this.metrics = metrics;
        final RateLimitedLog log = RateLimitedLog.perMinute(LOG, config.logLinesPerCausePerMinute(),
            metrics.logLinesSuppressed);
        this.rejectedLog = log.cause("connection over maxConnections");
        this.acceptFailedLog = log.cause("accept failed");
    }

    @Override
    public void run() {
        while (running) {
            final SocketChannel channel;
            try {
                channel = serverChannel.accept();
            } catch (ClosedChannelException e) {
                break; // shutdown() closed the listening socket
            } catch (IOException e) {
                if (!running) {
                    break;
                }
                metrics.acceptFailures.increment();
                acceptFailedLog.log(System.Logger.Level.WARNING,
                    () -> "accept failed; retrying in " + ACCEPT_FAILURE_BACKOFF_MS + " ms", e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ACCEPT_FAILURE_BACKOFF_MS));
                continue;
            }
            admit(channel);
        }
    }

    private void admit(final SocketChannel channel) {
        if (metrics.openConnections.incrementAndGet() > config.maxConnections()) {
            metrics.openConnections.decrementAndGet();
            metrics.connectionsRejected.increment();
            closeQuietly(channel);
            rejectedLog.log(System.Logger.Level.WARNING, () -> "Rejected a connection: maxConnections ("
                + config.maxConnections() + ") reached", null);
            return;
        }
        final Connection connection;
        final NetworkThread owner = networkThreads[nextThread];
        nextThread = (nextThread + 1) % networkThreads.length;
        try {
            configure(channel);
            connection = new Connection(nextConnectionId.incrementAndGet(), channel,
                (InetSocketAddress) channel.getRemoteAddress(), owner, handler, config, metrics, framePool);
        } catch (IOException e) {
            // Typically the peer already reset the connection; nothing was registered yet.
            metrics.openConnections.decrementAndGet();
            closeQuietly(channel);
            LOG.log(System.Logger.Level.DEBUG, "Could not set up an accepted connection", e);
            return;
        }
        if (!owner.adopt(connection)) {
            metrics.openConnections.decrementAndGet();
            closeQuietly(channel);
            return;
        }
        metrics.connectionsAccepted.increment();
    }

    private void configure(final SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        // Request/response traffic: Nagle would hold a small response back waiting for an ACK.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        // Detect peers that vanished without a FIN (crashed host, cut network) eventually.
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (config.socketSendBufferBytes() != NetConfig.OS_DEFAULT_SOCKET_BUFFER) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, config.socketSendBufferBytes());
        }
        if (config.socketReceiveBufferBytes() != NetConfig.OS_DEFAULT_SOCKET_BUFFER) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, config.socketReceiveBufferBytes());
        }
    }

    /** Any thread: stops accepting by closing the listening socket. */
    void shutdown() {
        running = false;
        closeQuietly(serverChannel);
    }

    private static void closeQuietly(final java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Error closing channel", e);
        }
    }
}
