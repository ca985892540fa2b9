package io.fjord.net;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * The responses of one connection that are next in line to be written, in order, with a count of
 * their unsent bytes (the measure behind {@link NetConfig#maxQueuedResponseBytes()}).
 *
 * <p>Not thread-safe: owned by the connection's selector thread.
 */
final class OutboundQueue {

    private final ArrayDeque<Send> sends = new ArrayDeque<>();
    private final NetMetrics metrics;
    private long queuedBytes;

    OutboundQueue(final NetMetrics metrics) {
        this.metrics = metrics;
    }

    void add(final Send send) {
        sends.addLast(send);
        queuedBytes += send.sizeBytes();
    }

    boolean isEmpty() {
        return sends.isEmpty();
    }

    /** @return bytes queued and not yet written */
    long queuedBytes() {
        return queuedBytes;
    }

    /**
     * Writes queued sends in order until the queue is empty, the socket is full, or about
     * {@code maxBytes} went out (so one fast reader cannot monopolise the selector thread).
     *
     * @return bytes written
     */
    long writeTo(final SocketChannel socket, final long maxBytes) throws IOException {
        long written = 0;
        while (!sends.isEmpty() && written < maxBytes) {
            final Send send = sends.peekFirst();
            final long n = send.writeTo(socket, maxBytes - written);
            written += n;
            queuedBytes -= n;
            if (send.isComplete()) {
                sends.pollFirst();
                metrics.responsesSent.increment();
                send.release(true);
            } else if (send.isBlocked()) {
                break;
            }
        }
        metrics.responseBytesSent.add(written);
        return written;
    }

    /** Drops every queued send (the connection closed), telling each listener it was not written. */
    void dropAll() {
        Send send;
        while ((send = sends.pollFirst()) != null) {
            metrics.responsesDropped.increment();
            send.release(false);
        }
        queuedBytes = 0;
    }
}
