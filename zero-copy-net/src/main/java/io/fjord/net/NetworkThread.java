package io.fjord.net;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A selector thread: owns a {@link Selector} and every {@link Connection} registered with it, and runs
 * this duty cycle until stopped:
 *
 * <ol>
 *   <li>select (sleeping at most until the next idle check) unless work is already queued;</li>
 *   <li>read and write ready connections;</li>
 *   <li>register connections handed over by the acceptor;</li>
 *   <li>write responses answered on other threads;</li>
 *   <li>about once a second, close idle connections.</li>
 * </ol>
 *
 * <p>Other threads talk to it only through two MPSC queues and {@link Selector#wakeup()}. A wakeup is a
 * system call (a write to an eventfd), so it is made only when the thread is, or is about to be,
 * asleep in select: the {@code sleeping} flag is set before the queues are last checked and
 * cleared on waking, and a producer wakes the selector only if it is the one to clear the flag. So
 * several answers arriving while the thread sleeps cost one wakeup, and answers arriving while it runs
 * cost none.
 *
 * <p>Thread safety: {@link #adopt}, {@link #scheduleResponses} and {@link #shutdown} are thread-safe;
 * everything else runs on this thread.
 */
final class NetworkThread implements Runnable {

    private static final System.Logger LOG = System.getLogger(NetworkThread.class.getName());

    /** Idle connections are looked for at most this often: a scan is O(connections). */
    static final long MAX_IDLE_CHECK_INTERVAL_MS = 1000;

    private final Selector selector;
    private final NetMetrics metrics;
    private final NetLog log;
    private final long idleTimeoutNanos;
    private final long idleCheckIntervalMs;
    private final AtomicBoolean sleeping = new AtomicBoolean();
    /** Connections accepted for this thread, not yet registered. Bounded: the acceptor caps connections. */
    private final Queue<Connection> newConnections;
    /**
     * Connections with answers to write. Each connection is in it at most once (see
     * {@link Connection#responseReady()}), so it never holds more than the connections of this thread.
     */
    private final Queue<Connection> readyConnections;
    private final HashSet<Connection> connections = new HashSet<>();
    private final ArrayList<Connection> scratch = new ArrayList<>();
    private volatile boolean running = true;
    private long nowNanos;
    private long nextIdleCheckNanos;

    NetworkThread(final NetConfig config, final NetMetrics metrics, final NetLog log) throws IOException {
        this.selector = Selector.open();
        this.metrics = metrics;
        this.log = log;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        this.idleCheckIntervalMs = Math.min(MAX_IDLE_CHECK_INTERVAL_MS, config.idleTimeoutMs());
        // Lock-free MPSC queues from the JDK. Their bound is structural: the acceptor caps the
        // connections, and a connection is in the ready queue at most once. (JCTools' array queues
        // would avoid a node per offer, but reach sun.misc.Unsafe, which JDK 24+ warns about on
        // stderr of every application that embeds Fjord.)
        this.newConnections = new ConcurrentLinkedQueue<>();
        this.readyConnections = new ConcurrentLinkedQueue<>();
    }

    /**
     * Acceptor thread: hands over an accepted connection.
     *
     * @return false if the thread is stopping or the queue is full; the caller then closes the socket
     */
    boolean adopt(final Connection connection) {
        if (!running || !newConnections.offer(connection)) {
            return false;
        }
        wakeIfSleeping();
        return true;
    }

    /** Any thread: {@code connection} has answers ready; it is not already queued (caller's guarantee). */
    void scheduleResponses(final Connection connection) {
        if (!readyConnections.offer(connection)) {
            // Cannot happen while each connection is queued at most once; failing loudly beats a lost
            // response that would stall the connection forever.
            throw new IllegalStateException("Ready queue full; connection " + connection.id() + " queued twice?");
        }
        wakeIfSleeping();
    }

    private void wakeIfSleeping() {
        if (sleeping.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    /** Any thread: asks the duty cycle to stop; it closes every connection and the selector on its way out. */
    void shutdown() {
        running = false;
        selector.wakeup();
    }

    /** The server's rate-limited log of peer-caused events, for this thread's connections. */
    NetLog log() {
        return log;
    }

    /** Releases the selector of a thread that was never started (start() failed part way). */
    void closeUnstarted() {
        closeEverything();
    }

    @Override
    public void run() {
        nowNanos = System.nanoTime();
        nextIdleCheckNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(idleCheckIntervalMs);
        try {
            while (running) {
                doWork();
            }
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "Network thread failed; closing its connections", e);
        } finally {
            closeEverything();
        }
    }

    private void doWork() {
        sleeping.set(true);
        try {
            if (newConnections.isEmpty() && readyConnections.isEmpty()) {
                selector.select(idleCheckIntervalMs);
            } else {
                selector.selectNow();
            }
        } catch (IOException e) {
            // Selector failures are not per-connection; log and carry on rather than kill every
            // connection of this thread.
            LOG.log(System.Logger.Level.ERROR, "select failed", e);
        }
        sleeping.set(false);
        nowNanos = System.nanoTime();

        processSelectedKeys();
        registerNewConnections();
        writeReadyResponses();
        if (nowNanos - nextIdleCheckNanos >= 0) {
            nextIdleCheckNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(idleCheckIntervalMs);
            closeIdleConnections();
        }
    }

    private void processSelectedKeys() {
        final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            final SelectionKey key = keys.next();
            keys.remove();
            final Connection connection = (Connection) key.attachment();
            try {
                final int ready = key.readyOps();
                if ((ready & SelectionKey.OP_WRITE) != 0) {
                    connection.onWritable(nowNanos);
                }
                if ((ready & SelectionKey.OP_READ) != 0 && !connection.isClosed()) {
                    connection.onReadable(nowNanos);
                }
            } catch (CancelledKeyException e) {
                connection.close(log.routineClose, System.Logger.Level.DEBUG, "selection key cancelled", e);
            } catch (IOException e) {
                // Resets and broken pipes are routine on the internet; not worth more than DEBUG.
                connection.close(log.routineClose, System.Logger.Level.DEBUG, "I/O error: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                metrics.unexpectedErrors.increment();
                connection.close(log.unexpectedError, System.Logger.Level.ERROR, "unexpected error", e);
            }
        }
    }

    private void registerNewConnections() {
        Connection connection;
        while ((connection = newConnections.poll()) != null) {
            try {
                connection.register(selector, nowNanos);
                connections.add(connection);
            } catch (IOException | RuntimeException e) {
                metrics.registrationFailures.increment();
                connection.close(log.registrationFailed, System.Logger.Level.WARNING,
                    "could not register with selector", e);
            }
        }
    }

    private void writeReadyResponses() {
        Connection connection;
        while ((connection = readyConnections.poll()) != null) {
            connection.clearScheduled();
            try {
                connection.pumpResponses(nowNanos);
            } catch (IOException e) {
                connection.close(log.routineClose, System.Logger.Level.DEBUG, "I/O error: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                metrics.unexpectedErrors.increment();
                connection.close(log.unexpectedError, System.Logger.Level.ERROR, "unexpected error", e);
            }
        }
    }

    private void closeIdleConnections() {
        for (Connection connection : connections) {
            if (connection.isIdle(nowNanos, idleTimeoutNanos)) {
                scratch.add(connection);
            }
        }
        for (Connection connection : scratch) {
            metrics.idleConnectionsClosed.increment();
            connection.close(log.routineClose, System.Logger.Level.DEBUG, "idle for idleTimeoutMs", null);
        }
        scratch.clear();
    }

    /** Connection callback on close (this thread): forget it and free its place under maxConnections. */
    void connectionClosed(final Connection connection) {
        connections.remove(connection);
        metrics.openConnections.decrementAndGet();
        metrics.connectionsClosed.increment();
    }

    private void closeEverything() {
        running = false;
        Connection connection;
        while ((connection = newConnections.poll()) != null) {
            connection.close(log.routineClose, System.Logger.Level.DEBUG, "server shutting down", null);
        }
        scratch.addAll(connections);
        for (Connection c : scratch) {
            c.close(log.routineClose, System.Logger.Level.DEBUG, "server shutting down", null);
        }
        scratch.clear();
        readyConnections.clear();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Error closing selector", e);
        }
    }
}
