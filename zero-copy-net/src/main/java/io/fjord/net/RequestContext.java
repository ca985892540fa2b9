package io.fjord.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One received request frame and the single way to answer it.
 *
 * <p>The {@link #frame()} buffer is lent from a pool: it is valid until the request is answered (when
 * the answer is a {@link Send}, until that send is written or dropped, so a response may carry
 * slices of its request), then reused for another connection's frame. A handler that needs the frame longer (a produce request
 * whose record bytes go to a writer thread, acks=0 answered before the append) calls
 * {@link #retainFrame()} before answering and {@link #releaseFrame()} exactly once when done; the
 * buffer returns to the pool when both the answer and every retain are released. Slices of the frame
 * must not be used after that.
 *
 * <p>Answer exactly once, from any thread, at any time: {@link #respond}, {@link #respondNothing} or
 * {@link #closeConnection}. Responses leave in request order: an answer given early waits for the
 * answers to the connection's earlier requests. A second answer throws {@link IllegalStateException};
 * an answer for a connection that has meanwhile closed is dropped silently (its send's listener is told
 * {@code false}).
 *
 * <p>Thread-safe. The answer is published with a compare-and-set on one field, which is also how the
 * selector thread, when it closes the connection, claims unanswered requests: whichever side wins the
 * CAS owns the send, so a send is released exactly once.
 */
public final class RequestContext {

    /** Outcome marker: answered with no response bytes (e.g. Kafka acks=0); the order slot is freed. */
    static final Object NO_RESPONSE = new Object();
    /** Outcome marker: close the connection when this request's turn comes. */
    static final Object CLOSE = new Object();
    /** Outcome marker: the connection closed while unanswered; the first answer still ends the frame hold. */
    static final Object ABANDONED = new Object();
    /** Outcome marker: the connection closed and the request's frame hold has ended; answers are dropped. */
    static final Object DROPPED = new Object();

    private static final VarHandle OUTCOME;
    private static final VarHandle FRAME_REFERENCES;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            OUTCOME = lookup.findVarHandle(RequestContext.class, "outcome", Object.class);
            FRAME_REFERENCES = lookup.findVarHandle(RequestContext.class, "frameReferences", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Connection connection;
    private final ByteBuffer frame;
    private final FramePool framePool;
    private final long receivedNanos;
    /** null while unanswered, then a {@link Send}, {@link #NO_RESPONSE}, {@link #CLOSE} or {@link #ABANDONED}. */
    @SuppressWarnings("unused") // accessed through OUTCOME
    private volatile Object outcome;
    /** Holders of the frame: 1 for the unanswered request, plus one per {@link #retainFrame()}. */
    @SuppressWarnings("unused") // accessed through FRAME_REFERENCES
    private volatile int frameReferences = 1;

    RequestContext(final Connection connection, final ByteBuffer frame, final FramePool framePool,
                   final long receivedNanos) {
        this.connection = connection;
        this.frame = frame;
        this.framePool = framePool;
        this.receivedNanos = receivedNanos;
    }

    /**
     * @return the request payload (without its size prefix), positioned at its first byte; valid until
     *         the request is answered, or until {@link #releaseFrame()} after a {@link #retainFrame()}
     */
    public ByteBuffer frame() {
        return frame;
    }

    /**
     * Keeps the frame valid past the answer, until a matching {@link #releaseFrame()}. Call it before
     * answering (while the frame is surely valid).
     *
     * @throws IllegalStateException if the frame was already given back
     */
    public void retainFrame() {
        final int before = (int) FRAME_REFERENCES.getAndAdd(this, 1);
        if (before <= 0) {
            FRAME_REFERENCES.getAndAdd(this, -1);
            throw new IllegalStateException("Frame of a request on connection " + connection.id()
                + " was already released");
        }
    }

    /** Ends one {@link #retainFrame()}; the last holder gives the frame back to the pool. */
    public void releaseFrame() {
        final int after = (int) FRAME_REFERENCES.getAndAdd(this, -1) - 1;
        if (after == 0) {
            framePool.release(frame);
        } else if (after < 0) {
            throw new IllegalStateException("Frame of a request on connection " + connection.id()
                + " released more often than retained");
        }
    }

    /** @return the server-unique id of the connection the frame came from */
    public long connectionId() {
        return connection.id();
    }

    /** @return the peer's address */
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    /** @return {@link System#nanoTime()} when the frame was complete, for request latency metrics */
    public long receivedNanos() {
        return receivedNanos;
    }

    /**
     * Queues {@code send} as this request's response; it is written after all earlier requests of the
     * connection are answered. The send must carry its own framing (size prefix): see {@link Send}.
     *
     * @throws IllegalStateException if this request was already answered
     */
    public void respond(final Send send) {
        answer(Objects.requireNonNull(send, "send"));
    }

    /** Answers with no bytes at all, freeing the request's place in the response order. */
    public void respondNothing() {
        answer(NO_RESPONSE);
    }

    /**
     * Stops reading more frames from this request's connection until the returned hold is
     * {@link ReadPause#resume() resumed}: back-pressure for a handler whose downstream has no room now
     * (the selector thread must not wait for it). Requests already dispatched still run and are
     * answered; frames the peer sends meanwhile stay in the kernel's socket buffer, and TCP flow control
     * slows the peer. Reading stops before the next frame when called on the selector thread while
     * handling; from another thread, at the latest before the frame after the one being read. Several
     * holds may be open at once; reading resumes when the last one ends. Closing the connection ends
     * them all (later resumes do nothing).
     *
     * @return the hold; its {@code resume()} is thread-safe and idempotent
     */
    public ReadPause pauseReads() {
        return connection.pauseReads();
    }

    /**
     * Condemns the connection: from this call on nothing more is read from it, so no later frame is
     * dispatched (when the handler refuses a request synchronously, none behind it ever is; requests
     * dispatched before an asynchronous call still run). The connection closes when this request's
     * turn in the response order comes: responses already queued for earlier requests get one
     * non-blocking attempt to go out first; answers to later requests are dropped.
     */
    public void closeConnection() {
        connection.condemn();
        answer(CLOSE);
    }

    private void answer(final Object answer) {
        final Send send = answer instanceof Send ? (Send) answer : null;
        if (send != null) {
            // The request's own hold on the frame ends when its response is written or dropped.
            send.releaseHook(this::releaseFrame);
        }
        if (OUTCOME.compareAndSet(this, null, answer)) {
            if (send == null) {
                releaseFrame(); // nothing to write: the request is done with its frame
            }
            connection.responseReady();
            return;
        }
        if (OUTCOME.compareAndSet(this, ABANDONED, DROPPED)) {
            // The connection closed first; this is still the first answer, so the frame hold ends.
            if (send != null) {
                send.release(false);
            } else {
                releaseFrame();
            }
            return;
        }
        if (send != null) {
            send.releaseHook(null); // a second answer: the frame hold was ended by the first
        }
        if (OUTCOME.getVolatile(this) == DROPPED) {
            if (send != null) {
                send.release(false);
            }
            return;
        }
        throw new IllegalStateException("Request on connection " + connection.id() + " already answered");
    }

    /** @return the answer, or null while unanswered (volatile read; selector thread) */
    Object outcome() {
        return OUTCOME.getVolatile(this);
    }

    /**
     * Marks the request abandoned because its connection closed (selector thread).
     *
     * @return the answer given before, or null; a returned {@link Send} is now the caller's to release
     */
    Object abandon() {
        while (true) {
            final Object current = OUTCOME.getVolatile(this);
            // Unanswered: its answer is still to come and will end the frame hold. Answered: it has.
            final Object next = current == null ? ABANDONED : DROPPED;
            if (OUTCOME.compareAndSet(this, current, next)) {
                return current;
            }
        }
    }
}
