package io.fjord.protocol.broker;

import io.fjord.log.AppendTimeoutException;
import io.fjord.log.FjordException;
import io.fjord.log.Partition;
import io.fjord.log.writer.Admission;
import io.fjord.log.writer.AppendCallback;
import io.fjord.net.ReadPause;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The partitions of one produce request whose writer queue was full, and the hold on the
 * connection's reads while any of them waits.
 *
 * <p>The first back-pressured partition (on the selector thread, while the request is handled) mutes
 * the connection and starts the request's one expiry; each waiting partition leaves a room callback
 * with its writer. The callback runs on that writer's thread when its queue has room again and
 * retries the append there (an offer: it never blocks): queued, it completes as any append does;
 * full again, it waits again. When no partition waits any more the connection reads again and the
 * expiry is cancelled. A partition still waiting at {@code append.timeout.ms} after the first
 * back-pressure fails with REQUEST_TIMED_OUT; if the engine closes meanwhile, the writers run the
 * callbacks and the retry fails with the engine's error. Either way each partition is finished
 * exactly once, so the request's response goes out once, after all of them.
 *
 * <p>Thread-safe: {@link #add} and {@link #handlerDone} on the selector thread; the rest on writer
 * threads, the expiry timer, or the thread closing the broker.
 */
final class BackPressuredAppends {
    private final Exchange exchange;
    private final ProduceBackPressure owner;
    /** Partitions waiting, plus one held by the handler until it has tried every partition. */
    private final AtomicInteger open = new AtomicInteger(1);
    private final Queue<WaitingAppend> appends = new ConcurrentLinkedQueue<>();
    private volatile ReadPause pause;
    private volatile ScheduledFuture<?> expiry;
    private long deadlineNanos;

    BackPressuredAppends(Exchange exchange, ProduceBackPressure owner) {
        this.exchange = exchange;
        this.owner = owner;
    }

    /**
     * Selector thread, during the request: {@code partition} refused {@code records}; waits for room and
     * retries. {@code callback} finishes the partition once queued; {@code fail} finishes it if it never is.
     */
    void add(Partition partition, ByteBuffer records, AppendCallback callback, Consumer<FjordException> fail) {
        if (pause == null) {
            deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(owner.appendTimeoutMs());
            pause = exchange.pauseReads();
            owner.started(this);
        }
        open.incrementAndGet();
        WaitingAppend waiting = new WaitingAppend(partition, records, callback, fail);
        appends.add(waiting);
        if (System.nanoTime() - deadlineNanos >= 0) {
            // The expiry may have looked at the list before this partition joined it (a handler slower
            // than a very short append.timeout.ms): time out here rather than wait without an expiry.
            if (waiting.state.compareAndSet(WaitingAppend.WAITING, WaitingAppend.DONE)) {
                waiting.failWith(timedOut(partition));
            }
            return;
        }
        waiting.awaitRoom();
    }

    /** Selector thread: the handler has tried every partition of the request. */
    void handlerDone() {
        settled();
    }

    /**
     * Timer thread (or the broker closing): fails every partition still waiting, with {@code error}, or
     * when null with REQUEST_TIMED_OUT. A partition being retried right now is left to its retry, which
     * looks at the deadline itself.
     */
    void expire(FjordException error) {
        for (WaitingAppend waiting : appends) {
            if (waiting.state.compareAndSet(WaitingAppend.WAITING, WaitingAppend.DONE)) {
                waiting.failWith(error != null ? error : timedOut(waiting.partition));
            }
        }
    }

    FjordException timedOut(Partition partition) {
        return new AppendTimeoutException("The writer queue of " + partition.topicPartition() + " stayed full for "
                + owner.appendTimeoutMs() + " ms (append.timeout.ms)");
    }

    void expiry(ScheduledFuture<?> expiry) {
        this.expiry = expiry;
    }

    private void settled() {
        if (open.decrementAndGet() == 0) {
            ReadPause held = pause;
            if (held != null) {
                owner.finished(this);
                ScheduledFuture<?> timer = expiry;
                if (timer != null) {
                    timer.cancel(false);
                }
                held.resume();
            }
        }
    }

    /** One partition waiting for room: WAITING, then RETRYING while a room callback tries, DONE once finished. */
    private final class WaitingAppend {
        static final int WAITING = 0;
        static final int RETRYING = 1;
        static final int DONE = 2;

        final AtomicInteger state = new AtomicInteger(WAITING);
        private final Partition partition;
        private final ByteBuffer records;
        private final AppendCallback callback;
        private final Consumer<FjordException> fail;

        WaitingAppend(Partition partition, ByteBuffer records, AppendCallback callback,
                      Consumer<FjordException> fail) {
            this.partition = partition;
            this.records = records;
            this.callback = callback;
            this.fail = fail;
        }

        /** In state WAITING: leaves the room callback with the partition's writer. */
        void awaitRoom() {
            FjordException refused;
            try {
                if (partition.whenWriterHasRoom(this::retry)) {
                    return;
                }
                refused = new AppendTimeoutException("The writer queue of " + partition.topicPartition()
                        + " is full and its writer already has maxWriterRoomWaiters callers waiting for room");
            } catch (FjordException e) {
                refused = e; // the engine closed
            }
            if (state.compareAndSet(WAITING, DONE)) {
                failWith(refused);
            }
        }

        /** Room callback: the writer's thread (or, as the engine closes, the registering thread). */
        private void retry() {
            if (!state.compareAndSet(WAITING, RETRYING)) {
                return; // expired meanwhile
            }
            Admission admission;
            try {
                admission = partition.tryAppendBatchAsync(records, callback);
            } catch (FjordException e) {
                state.set(DONE);
                failWith(e);
                return;
            }
            if (admission == Admission.QUEUED) {
                state.set(DONE);
                settled(); // the append's callback finishes the partition
                return;
            }
            // Full again (others took the room). The expiry may have passed us by while we retried:
            // it only fails WAITING partitions, so look at the deadline after becoming WAITING again.
            state.set(WAITING);
            if (System.nanoTime() - deadlineNanos >= 0) {
                if (state.compareAndSet(WAITING, DONE)) {
                    failWith(timedOut(partition));
                }
                return;
            }
            awaitRoom();
        }

        void failWith(FjordException error) {
            fail.accept(error);
            settled();
        }
    }
}
