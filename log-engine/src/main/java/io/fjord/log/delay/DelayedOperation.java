package io.fjord.log.delay;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work that waits for a condition or a deadline (the role of Kafka's DelayedOperation): a fetch
 * waiting for min_bytes, a produce waiting for followers (complete when the high watermark passes
 * its last offset), a JoinGroup waiting for every member (complete when all joined, or at the
 * rebalance timeout). It completes exactly once: {@link #onComplete} runs on whichever thread
 * wins {@link #forceComplete}.
 *
 * <p>{@link #tryComplete} may run on several threads at once (the purgatory's thread after a key
 * changed, the thread that watches it, a thread calling
 * {@link DelayedOperationPurgatory#checkAndComplete}): an implementation reads only thread-safe
 * state (a fetch: volatile log end positions) or takes its own lock (a join: its group's lock).
 * It must be cheap and do no I/O: it compares offsets and positions; the response is built once,
 * in {@link #onComplete}.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();
    private final long delayMs;
    /** Set by the purgatory while watched; released on completion. */
    private volatile DelayedOperationPurgatory<?>.Registration registration;

    /** @param delayMs how long it may wait at most, from when it is watched */
    protected DelayedOperation(long delayMs) {
        if (delayMs < 0) {
            throw new IllegalArgumentException("delayMs must not be negative: " + delayMs);
        }
        this.delayMs = delayMs;
    }

    public final long delayMs() {
        return delayMs;
    }

    /**
     * Checks the condition; if it holds, calls {@link #forceComplete} and returns its result.
     * Cheap, no I/O, safe to call concurrently (see the class comment).
     */
    public abstract boolean tryComplete();

    /**
     * Builds and sends the result; runs exactly once. Must not throw (a failure here is the
     * operation's own to answer, e.g. with an error response).
     */
    protected abstract void onComplete(CompletionCause cause);

    /** Completes now with {@link CompletionCause#SATISFIED}; true if this call completed it. */
    public final boolean forceComplete() {
        return complete(CompletionCause.SATISFIED);
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    final boolean complete(CompletionCause cause) {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        DelayedOperationPurgatory<?>.Registration watched = registration;
        registration = null;
        if (watched != null) {
            watched.release(this); // watcher entries, timer entry, the bound's slot: gone before the response
        }
        onComplete(cause);
        return true;
    }

    final void registration(DelayedOperationPurgatory<?>.Registration registration) {
        this.registration = registration;
    }

    final DelayedOperationPurgatory<?>.Registration registration() {
        return registration;
    }
}
