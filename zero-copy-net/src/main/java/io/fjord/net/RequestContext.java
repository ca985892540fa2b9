package io.fjord.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One received request frame and the single way to answer it.
 *
 * <p>The {@link #frame()} buffer belongs to the handler from the moment {@link RequestHandler#onRequest}
 * is called: the net layer never reads, reuses or pools it again, so slices of it (a produce request's
 * record bytes) may outlive the call.
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
    /** Outcome marker: the connection closed before an answer was taken; later answers are dropped. */
    static final Object ABANDONED = new Object();

    private static final VarHandle OUTCOME;

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(RequestContext.class, "outcome", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Connection connection;
    private final ByteBuffer frame;
    private final long receivedNanos;
    /** null while unanswered, then a {@link Send}, {@link #NO_RESPONSE}, {@link #CLOSE} or {@link #ABANDONED}. */
    @SuppressWarnings("unused") // accessed through OUTCOME
    private volatile Object outcome;

    RequestContext(final Connection connection, final ByteBuffer frame, final long receivedNanos) {
        this.connection = connection;
        this.frame = frame;
        this.receivedNanos = receivedNanos;
    }

    /** @return the request payload (without its size prefix), positioned at its first byte */
    public ByteBuffer frame() {
        return frame;
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
     * Closes the connection when this request's turn in the response order comes. Responses already
     * queued for earlier requests get one non-blocking attempt to go out first; later requests of the
     * connection are dropped.
     */
    public void closeConnection() {
        answer(CLOSE);
    }

    private void answer(final Object answer) {
        if (OUTCOME.compareAndSet(this, null, answer)) {
            connection.responseReady();
            return;
        }
        if (OUTCOME.getVolatile(this) == ABANDONED) {
            if (answer instanceof Send) {
                ((Send) answer).release(false);
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
        return OUTCOME.getAndSet(this, ABANDONED);
    }
}
