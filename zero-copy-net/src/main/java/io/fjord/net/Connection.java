package io.fjord.net;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One accepted socket: frames in, responses out in request order, and the back-pressure between them.
 *
 * <p>Requests are kept in {@code inFlight}, oldest first, until answered. Answers may arrive in any
 * order from any thread; only the oldest answered requests are moved to the {@link OutboundQueue}, so
 * responses leave in request order. Reading stops (OP_READ off) while {@code maxInFlightRequests} are
 * unanswered or more than {@code maxQueuedResponseBytes} wait to be written, and resumes when that
 * drains: the kernel's socket buffer then fills and TCP flow control slows the client, so a client
 * cannot make the server hold more than those limits.
 *
 * <p>A handler may also pause reading ({@link ReadPause}) until something downstream has room: the same
 * OP_READ switch, held open by a count any thread may change.
 *
 * <p>Thread safety: confined to its {@link NetworkThread}, except {@link #responseReady()}, {@link #id()},
 * {@link #remoteAddress()}, {@link #pauseReads()} and {@link #endReadPause()}, which any thread may call.
 */
final class Connection {

    /**
     * Reads per readiness event before moving on to other connections: fairness. At most 32 frames
     * (or 8 MiB of a large frame) per turn; level-triggered selection brings us back for the rest.
     */
    static final int MAX_READS_PER_EVENT = 32;

    /** Bytes written per writability event before moving on to other connections: fairness. */
    static final long MAX_WRITE_BYTES_PER_EVENT = 4L * 1024 * 1024;

    /** {@link #readPauses} once the connection closed: pauses and resumes after that do nothing. */
    private static final int PAUSES_CLOSED = Integer.MIN_VALUE;

    private static final VarHandle SCHEDULED;
    private static final VarHandle READ_PAUSES;

    static {
        try {
            SCHEDULED = MethodHandles.lookup().findVarHandle(Connection.class, "scheduled", boolean.class);
            READ_PAUSES = MethodHandles.lookup().findVarHandle(Connection.class, "readPauses", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final SocketChannel channel;
    private final InetSocketAddress remoteAddress;
    private final NetworkThread owner;
    private final RequestHandler handler;
    private final NetMetrics metrics;
    private final NetLog log;
    private final int maxInFlightRequests;
    private final long maxQueuedResponseBytes;
    private final FramePool framePool;
    private final FrameReader reader;
    private final ArrayDeque<RequestContext> inFlight = new ArrayDeque<>();
    private final OutboundQueue outbound;

    /**
     * True while this connection sits in its thread's ready queue (so it is queued at most once, which
     * bounds that queue by the number of connections), and for ever once closed (so nothing queues it
     * again).
     */
    @SuppressWarnings("unused") // accessed through SCHEDULED
    private volatile boolean scheduled;

    /**
     * Set once a request of this connection asked to close ({@link RequestContext#closeConnection()}),
     * from any thread. From then on nothing more is read from the socket, so no frame behind the
     * refused one is ever dispatched (a pipelined Produce behind a garbage frame must not be appended);
     * the close itself waits for that request's turn, so answers to earlier requests can still go out.
     */
    private volatile boolean condemned;

    /**
     * Open {@link ReadPause}s of handlers, from any thread; {@link #PAUSES_CLOSED} once closed. Reading
     * stops while positive (checked before every frame, like {@link #condemned}); the resume that brings
     * it to zero wakes the selector thread through the ready queue, which turns OP_READ back on.
     */
    @SuppressWarnings("unused") // accessed through READ_PAUSES
    private volatile int readPauses;

    private SelectionKey key;
    private int interestOps;
    private long lastActivityNanos;
    private boolean closed;

    Connection(final long id, final SocketChannel channel, final InetSocketAddress remoteAddress,
               final NetworkThread owner, final RequestHandler handler, final NetConfig config,
               final NetMetrics metrics, final FramePool framePool) {
        this.id = id;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.owner = owner;
        this.handler = handler;
        this.metrics = metrics;
        this.log = owner.log();
        this.maxInFlightRequests = config.maxInFlightRequests();
        this.maxQueuedResponseBytes = config.maxQueuedResponseBytes();
        this.framePool = framePool;
        this.reader = new FrameReader(config.maxFrameBytes(), framePool);
        this.outbound = new OutboundQueue(metrics);
    }

    long id() {
        return id;
    }

    InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Any thread: stop reading this connection; it closes when the condemning request's turn comes.
     * Idempotent. Called before the request's answer is published, so whoever sees the answer also
     * sees this.
     */
    void condemn() {
        condemned = true;
    }

    /** Any thread: a handler's hold on reading; see {@link RequestContext#pauseReads()}. */
    ReadPause pauseReads() {
        final ReadPause pause = new ReadPause(this);
        while (true) {
            final int before = (int) READ_PAUSES.getVolatile(this);
            if (before == PAUSES_CLOSED) {
                return pause; // closed: nothing is read any more anyway, and resume() finds nothing to undo
            }
            if (READ_PAUSES.compareAndSet(this, before, before + 1)) {
                if (before == 0) {
                    metrics.readPausesByHandlers.increment();
                    metrics.connectionsReadPaused.incrementAndGet();
                }
                return pause;
            }
        }
    }

    /** Any thread, once per {@link ReadPause}: the last open hold ending wakes the selector to read again. */
    void endReadPause() {
        while (true) {
            final int before = (int) READ_PAUSES.getVolatile(this);
            if (before == PAUSES_CLOSED) {
                return;
            }
            if (READ_PAUSES.compareAndSet(this, before, before - 1)) {
                if (before == 1) {
                    metrics.connectionsReadPaused.decrementAndGet();
                    responseReady(); // the selector thread's next look at us turns OP_READ back on
                }
                return;
            }
        }
    }

    /** Registers for reading with the owner's selector (selector thread). */
    void register(final Selector selector, final long nowNanos) throws ClosedChannelException {
        lastActivityNanos = nowNanos;
        interestOps = SelectionKey.OP_READ;
        key = channel.register(selector, interestOps, this);
    }

    /** Reads and dispatches frames while the limits allow (selector thread). */
    void onReadable(final long nowNanos) throws IOException {
        final long bytesBefore = reader.bytesRead();
        try {
            for (int reads = 0; reads < MAX_READS_PER_EVENT && canRead(); reads++) {
                final int outcome;
                try {
                    outcome = reader.read(channel);
                } catch (OutOfMemoryError e) {
                    // Several peers each sending a frame near maxFrameBytes can exhaust a small heap;
                    // refusing this one connection keeps the others served.
                    metrics.framesOverHeap.increment();
                    close(log.noHeapForFrame, System.Logger.Level.ERROR,
                        "no heap for a frame of " + reader.lastFrameSize() + " bytes", e);
                    return;
                }
                if (outcome == FrameReader.FRAME_READY) {
                    dispatch(reader.takeFrame(), nowNanos);
                    if (closed) {
                        return;
                    }
                    // A condemned connection reads nothing more: canRead() ends the loop here, before
                    // the next frame's first byte leaves the kernel's buffer.
                } else if (outcome == FrameReader.NEED_MORE) {
                    break;
                } else if (outcome == FrameReader.END_OF_STREAM) {
                    close(log.routineClose, System.Logger.Level.DEBUG,
                        reader.isMidFrame() ? "peer closed mid-frame" : "peer closed", null);
                    return;
                } else if (outcome == FrameReader.INVALID_SIZE) {
                    metrics.invalidFrames.increment();
                    close(log.invalidFrameSize, System.Logger.Level.WARNING,
                        "frame size " + reader.lastFrameSize() + " is negative or above maxFrameBytes", null);
                    return;
                }
                // PARTIAL: a large frame is arriving; keep reading within this turn's budget.
            }
        } finally {
            final long bytesRead = reader.bytesRead() - bytesBefore;
            if (bytesRead > 0) {
                metrics.bytesReceived.add(bytesRead);
                lastActivityNanos = nowNanos;
            }
        }
        // Answers given synchronously by the handler can go out in this same turn, batched.
        pumpResponses(nowNanos);
    }

    private void dispatch(final ByteBuffer frame, final long nowNanos) {
        final RequestContext ctx = new RequestContext(this, frame, framePool, nowNanos);
        inFlight.addLast(ctx);
        metrics.framesReceived.increment();
        try {
            handler.onRequest(ctx);
        } catch (RuntimeException | Error e) {
            // Errors too (e.g. StackOverflowError, an assertion): one bad request must not take the
            // selector thread, and with it every other connection, down.
            metrics.handlerErrors.increment();
            close(log.handlerThrew, System.Logger.Level.WARNING, "request handler threw", e);
        }
    }

    /** Writes queued responses (selector thread, on OP_WRITE). */
    void onWritable(final long nowNanos) throws IOException {
        flush(nowNanos);
    }

    /**
     * Any thread: a request of this connection was answered. Queues the connection on its selector
     * thread unless it is queued already.
     */
    void responseReady() {
        if (SCHEDULED.compareAndSet(this, false, true)) {
            owner.scheduleResponses(this);
        }
    }

    /** Selector thread: the connection was taken off the ready queue; later answers must queue it again. */
    void clearScheduled() {
        if (!closed) {
            // Cleared before looking at the answers, so an answer published after our look queues us again.
            SCHEDULED.setVolatile(this, false);
        }
    }

    /** Moves the answered requests at the head of the line to the outbound queue, then writes (selector thread). */
    void pumpResponses(final long nowNanos) throws IOException {
        if (closed) {
            return;
        }
        RequestContext head;
        while ((head = inFlight.peekFirst()) != null) {
            final Object outcome = head.outcome();
            if (outcome == null) {
                break; // unanswered: everything behind it waits, which is what keeps the order
            }
            inFlight.pollFirst();
            if (outcome instanceof Send) {
                outbound.add((Send) outcome);
            } else if (outcome == RequestContext.NO_RESPONSE) {
                metrics.responsesNone.increment();
            } else if (outcome == RequestContext.CLOSE) {
                // One non-blocking attempt to get earlier responses out (e.g. an error response the
                // handler answered before asking to close), then close without waiting for the peer.
                outbound.writeTo(channel, MAX_WRITE_BYTES_PER_EVENT);
                metrics.closesRequested.increment();
                close(log.routineClose, System.Logger.Level.DEBUG, "request handler asked to close", null);
                return;
            }
        }
        flush(nowNanos);
    }

    private void flush(final long nowNanos) throws IOException {
        if (!outbound.isEmpty()) {
            try {
                if (outbound.writeTo(channel, MAX_WRITE_BYTES_PER_EVENT) > 0) {
                    lastActivityNanos = nowNanos;
                }
            } catch (SendFailedException e) {
                metrics.sendFailures.increment();
                close(log.sendFailed, System.Logger.Level.WARNING, "a file segment could not be sent", e);
                return;
            }
        }
        updateInterest();
    }

    private boolean canRead() {
        return !condemned && (int) READ_PAUSES.getVolatile(this) == 0 && withinLimits();
    }

    private boolean withinLimits() {
        return inFlight.size() < maxInFlightRequests && outbound.queuedBytes() <= maxQueuedResponseBytes;
    }

    private void updateInterest() {
        final int ops = (canRead() ? SelectionKey.OP_READ : 0) | (outbound.isEmpty() ? 0 : SelectionKey.OP_WRITE);
        if (ops != interestOps) {
            if ((interestOps & SelectionKey.OP_READ) != 0 && (ops & SelectionKey.OP_READ) == 0 && !withinLimits()) {
                metrics.readPauses.increment();
            }
            interestOps = ops;
            key.interestOps(ops);
        }
    }

    /** @return true if nothing was read or written for {@code idleTimeoutNanos} (selector thread) */
    boolean isIdle(final long nowNanos, final long idleTimeoutNanos) {
        return nowNanos - lastActivityNanos >= idleTimeoutNanos;
    }

    /**
     * Closes the socket and drops everything pending: unanswered requests are marked abandoned (their
     * later answers are dropped), answered-but-unsent responses are released as not written. Idempotent
     * (selector thread). The line saying why goes through {@code logAs}'s rate limit: a peer decides
     * how often this happens.
     */
    void close(final RateLimitedLog.Cause logAs, final System.Logger.Level level, final String reason,
               final Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        SCHEDULED.setVolatile(this, true); // never queue a closed connection again
        if ((int) READ_PAUSES.getAndSet(this, PAUSES_CLOSED) > 0) {
            metrics.connectionsReadPaused.decrementAndGet(); // the holders' resume() will find nothing to undo
        }
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.routineClose.log(System.Logger.Level.DEBUG, () -> "Error closing connection " + id, e);
        }
        RequestContext ctx;
        while ((ctx = inFlight.pollFirst()) != null) {
            final Object answered = ctx.abandon();
            if (answered instanceof Send) {
                metrics.responsesDropped.increment();
                ((Send) answered).release(false);
            }
        }
        outbound.dropAll();
        reader.clear();
        owner.connectionClosed(this);
        logAs.log(level, () -> "Closed connection " + id + " from " + remoteAddress + ": " + reason, cause);
    }

    @Override
    public String toString() {
        return "Connection{id=" + id + ", remote=" + remoteAddress + ", inFlight=" + inFlight.size()
            + ", queuedBytes=" + outbound.queuedBytes() + ", closed=" + closed + '}';
    }
}
