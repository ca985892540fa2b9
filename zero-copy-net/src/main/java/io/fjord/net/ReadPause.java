package io.fjord.net;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A handler's hold on its connection's reads, from {@link RequestContext#pauseReads()}: while any hold
 * is open, nothing more is read from the connection (requests already dispatched still run and are
 * answered as usual). {@link #resume()} ends the hold; when the last hold ends, the connection's
 * selector thread is woken to read again.
 *
 * <p>This is how a handler applies back-pressure without waiting on the selector thread: when the work
 * a request hands on has no room downstream, it stops the connection from sending more instead of
 * blocking every connection of that thread (as Kafka's SocketServer mutes a channel).
 *
 * <p>Thread-safe; {@link #resume()} is idempotent and may be called from any thread, also after the
 * connection has closed (it then does nothing).
 */
public final class ReadPause {
    private final Connection connection;
    private final AtomicBoolean resumed = new AtomicBoolean();

    ReadPause(final Connection connection) {
        this.connection = connection;
    }

    /** Ends this hold (once; later calls do nothing). Never blocks; may wake the selector thread. */
    public void resume() {
        if (resumed.compareAndSet(false, true)) {
            connection.endReadPause();
        }
    }

    /** @return true once {@link #resume()} was called */
    public boolean isResumed() {
        return resumed.get();
    }
}
