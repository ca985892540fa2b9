package io.fjord.net;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link NetServer}, cheap enough to update on every frame: {@link LongAdder}s, so the
 * selector threads never contend on one cache line. Reads are not a consistent snapshot across
 * counters.
 *
 * <p>Thread-safe. Updated by the server's threads; read by anyone.
 */
public final class NetMetrics {

    /**
     * Open connections, including ones accepted and not yet registered with their selector. Also the
     * authority for {@link NetConfig#maxConnections()}: the acceptor reserves a place here before
     * admitting a connection, and the selector thread frees it on close.
     */
    final AtomicInteger openConnections = new AtomicInteger();
    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder connectionsRejected = new LongAdder();
    final LongAdder connectionsClosed = new LongAdder();
    final LongAdder idleConnectionsClosed = new LongAdder();
    final LongAdder framesReceived = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder invalidFrames = new LongAdder();
    final LongAdder handlerErrors = new LongAdder();
    final LongAdder closesRequested = new LongAdder();
    final LongAdder framesOverHeap = new LongAdder();
    final LongAdder acceptFailures = new LongAdder();
    final LongAdder unexpectedErrors = new LongAdder();
    final LongAdder registrationFailures = new LongAdder();
    /** Shared by the server's {@link RateLimitedLog}s. */
    final LongAdder logLinesSuppressed = new LongAdder();
    final LongAdder responsesSent = new LongAdder();
    final LongAdder responseBytesSent = new LongAdder();
    final LongAdder responsesNone = new LongAdder();
    final LongAdder responsesDropped = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder readPauses = new LongAdder();
    final LongAdder readPausesByHandlers = new LongAdder();
    final AtomicInteger connectionsReadPaused = new AtomicInteger();

    NetMetrics() {
    }

    /** @return connections currently open */
    public int openConnections() {
        return openConnections.get();
    }

    /** @return connections admitted since start */
    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    /** @return connections closed right after accept because {@link NetConfig#maxConnections()} was reached */
    public long connectionsRejected() {
        return connectionsRejected.sum();
    }

    /** @return admitted connections closed since start, for any reason */
    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    /** @return connections closed by {@link NetConfig#idleTimeoutMs()} */
    public long idleConnectionsClosed() {
        return idleConnectionsClosed.sum();
    }

    /** @return complete frames handed to the handler */
    public long framesReceived() {
        return framesReceived.sum();
    }

    /** @return bytes read from sockets, size prefixes included */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** @return connections closed for a size prefix that was negative or above {@link NetConfig#maxFrameBytes()} */
    public long invalidFrames() {
        return invalidFrames.sum();
    }

    /** @return handler invocations that threw */
    public long handlerErrors() {
        return handlerErrors.sum();
    }

    /**
     * @return connections closed because a request asked to ({@link RequestContext#closeConnection()}):
     *         for the Kafka protocol, a refused request (unknown API, unsupported version, malformed)
     */
    public long closesRequested() {
        return closesRequested.sum();
    }

    /** @return connections closed because the heap had no room for their next frame */
    public long framesOverHeap() {
        return framesOverHeap.sum();
    }

    /** @return accept() calls that failed (e.g. out of file descriptors) */
    public long acceptFailures() {
        return acceptFailures.sum();
    }

    /** @return connections closed for an unexpected exception on their selector thread */
    public long unexpectedErrors() {
        return unexpectedErrors.sum();
    }

    /** @return accepted connections that could not be registered with a selector */
    public long registrationFailures() {
        return registrationFailures.sum();
    }

    /**
     * @return log lines about peer-caused events left out by the rate limit
     *         ({@link NetConfig#logLinesPerCausePerMinute()}); the events themselves are in the other counters
     */
    public long logLinesSuppressed() {
        return logLinesSuppressed.sum();
    }

    /** @return sends fully written */
    public long responsesSent() {
        return responsesSent.sum();
    }

    /** @return bytes written to sockets */
    public long responseBytesSent() {
        return responseBytesSent.sum();
    }

    /** @return requests answered with {@link RequestContext#respondNothing()} */
    public long responsesNone() {
        return responsesNone.sum();
    }

    /** @return sends dropped because their connection closed first */
    public long responsesDropped() {
        return responsesDropped.sum();
    }

    /** @return connections closed because a {@link FileSegment} could not be sent */
    public long sendFailures() {
        return sendFailures.sum();
    }

    /**
     * @return times a connection stopped being read because of the in-flight or queued-bytes limit (pauses
     *         asked by handlers are counted in {@link #readPausesByHandlers()})
     */
    public long readPauses() {
        return readPauses.sum();
    }

    /**
     * @return times a connection's reads were paused by its handler ({@link RequestContext#pauseReads()}):
     *         each episode from the first open hold to the last resume (or close) counts once
     */
    public long readPausesByHandlers() {
        return readPausesByHandlers.sum();
    }

    /** @return connections whose reads a handler holds paused right now */
    public int connectionsReadPaused() {
        return connectionsReadPaused.get();
    }

    @Override
    public String toString() {
        return "NetMetrics{open=" + openConnections() + ", accepted=" + connectionsAccepted()
            + ", rejected=" + connectionsRejected() + ", closed=" + connectionsClosed()
            + ", idleClosed=" + idleConnectionsClosed() + ", frames=" + framesReceived()
            + ", bytesIn=" + bytesReceived() + ", invalidFrames=" + invalidFrames()
            + ", handlerErrors=" + handlerErrors() + ", closesRequested=" + closesRequested() + ", sent=" + responsesSent()
            + ", bytesOut=" + responseBytesSent() + ", none=" + responsesNone()
            + ", dropped=" + responsesDropped() + ", sendFailures=" + sendFailures()
            + ", readPauses=" + readPauses() + ", readPausesByHandlers=" + readPausesByHandlers()
            + ", connectionsReadPaused=" + connectionsReadPaused() + ", framesOverHeap=" + framesOverHeap()
            + ", acceptFailures=" + acceptFailures() + ", unexpectedErrors=" + unexpectedErrors()
            + ", registrationFailures=" + registrationFailures() + ", logLinesSuppressed=" + logLinesSuppressed() + '}';
    }
}
