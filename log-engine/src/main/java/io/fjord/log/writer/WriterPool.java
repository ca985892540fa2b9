package io.fjord.log.writer;

import io.fjord.log.AppendTimeoutException;
import io.fjord.log.EngineClosedException;
import io.fjord.log.FjordException;
import io.fjord.log.TopicPartition;
import io.fjord.log.partition.PartitionLog;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of {@link PartitionWriter} threads; each partition always goes to the same one
 * (by hash), which makes it that partition's single writer. Other threads talk to writers only
 * through their bounded queues: a full queue is back-pressure. {@link #submit} (callers that may
 * wait) retries until the append timeout; {@link #trySubmit} (threads that must never wait, such as
 * a network thread) gets {@link Admission#BACK_PRESSURED} at once and may ask
 * {@link #whenRoom} to be told when to try again.
 */
public final class WriterPool implements AutoCloseable {
    private static final long OFFER_RETRY_PARK_NS = 50_000;
    /** Room callbacks one writer holds at most, unless configured: see {@link #whenRoom}. */
    public static final int DEFAULT_MAX_ROOM_WAITERS = 4096;

    private final PartitionWriter[] writers;
    private final long appendTimeoutMs;
    private volatile boolean closed;

    public WriterPool(int threads, int queueCapacity, long appendTimeoutMs) {
        this(threads, queueCapacity, appendTimeoutMs, DEFAULT_MAX_ROOM_WAITERS, StorageOutcomeListener.NONE);
    }

    /**
     * With {@code storage} told of every append's outcome on the writer threads, and at most
     * {@code maxRoomWaiters} callbacks waiting for room per writer.
     */
    public WriterPool(int threads, int queueCapacity, long appendTimeoutMs, int maxRoomWaiters,
                      StorageOutcomeListener storage) {
        if (threads < 1) {
            throw new IllegalArgumentException("writer threads must be >= 1: " + threads);
        }
        this.appendTimeoutMs = appendTimeoutMs;
        this.writers = new PartitionWriter[threads];
        for (int i = 0; i < threads; i++) {
            writers[i] = new PartitionWriter("fjord-writer-" + i, queueCapacity, maxRoomWaiters, storage);
        }
        for (PartitionWriter writer : writers) {
            writer.start();
        }
    }

    private PartitionWriter writerFor(TopicPartition topicPartition) {
        return writers[Math.floorMod(topicPartition.hashCode(), writers.length)];
    }

    /** Queues an append; {@code callback} runs on the writer thread when it is done. */
    public void submit(PartitionLog log, ByteBuffer records, int leaderEpoch, AppendCallback callback) {
        offer(writerFor(log.topicPartition()), new AppendRequest(log, records, leaderEpoch, callback));
    }

    /**
     * Queues an append if the partition's writer has room, never waiting: {@link Admission#QUEUED}
     * (then {@code callback} runs on the writer thread when it is done) or
     * {@link Admission#BACK_PRESSURED} (nothing queued, the callback will not run).
     *
     * @throws EngineClosedException if the pool is closed
     */
    public Admission trySubmit(PartitionLog log, ByteBuffer records, int leaderEpoch, AppendCallback callback) {
        ensureOpen();
        PartitionWriter writer = writerFor(log.topicPartition());
        return writer.offer(new AppendRequest(log, records, leaderEpoch, callback))
                ? Admission.QUEUED : Admission.BACK_PRESSURED;
    }

    /**
     * Runs {@code onRoom} exactly once: on the partition's writer thread when its queue is at most half
     * full (at once if it is already), or, if the pool closes first, when it closes (on the writer
     * thread or, for a call that races with the close, on the calling thread). It must not block: it
     * runs between appends. It typically retries a {@link #trySubmit}, which then either queues or
     * fails with {@link EngineClosedException}. Never blocks.
     *
     * @return false if the writer already holds its maximum of waiting callbacks ({@code onRoom}
     *         will not run; the caller gives up or retries later)
     * @throws EngineClosedException if the pool is closed ({@code onRoom} will not run)
     */
    public boolean whenRoom(TopicPartition topicPartition, Runnable onRoom) {
        ensureOpen();
        RunOnce once = new RunOnce(onRoom);
        if (!writerFor(topicPartition).addRoomWaiter(once)) {
            return false;
        }
        if (closed) {
            // The writer may have run its last callbacks before ours was queued: run it here. (If
            // the writer runs it too, RunOnce keeps it to once.)
            once.run();
        }
        return true;
    }

    /** Appends queued for the writer of {@code topicPartition} now (a moment's view). */
    public int queueDepth(TopicPartition topicPartition) {
        return writerFor(topicPartition).queueDepth();
    }

    private void ensureOpen() {
        if (closed) {
            throw new EngineClosedException("The engine is closed");
        }
    }

    /** Blocks until every append queued for this partition's writer before the call is done. */
    public void awaitQuiescence(TopicPartition topicPartition) {
        SyncCompletion barrier = new SyncCompletion();
        offer(writerFor(topicPartition), new AppendRequest(null, null, 0, barrier));
        barrier.await();
    }

    private void offer(PartitionWriter writer, AppendRequest request) {
        if (closed) {
            throw new EngineClosedException("The engine is closed");
        }
        if (writer.offer(request)) {
            return;
        }
        long deadlineNs = System.nanoTime() + appendTimeoutMs * 1_000_000L;
        while (!writer.offer(request)) {
            if (closed) {
                throw new EngineClosedException("The engine is closed");
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AppendTimeoutException("Writer " + writer.thread().getName() + " queue stayed full for "
                        + appendTimeoutMs + " ms (append.timeout.ms)");
            }
            LockSupport.parkNanos(OFFER_RETRY_PARK_NS);
        }
    }

    /** Appends queued for each writer thread now (a gauge; index = writer number). */
    public int[] queueDepths() {
        int[] depths = new int[writers.length];
        for (int i = 0; i < writers.length; i++) {
            depths[i] = writers[i].queueDepth();
        }
        return depths;
    }

    /** Processes everything already queued, then stops the writer threads. */
    @Override
    public void close() {
        closed = true;
        boolean interrupted = false;
        for (PartitionWriter writer : writers) {
            try {
                writer.stop();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A callback that runs at most once, whichever of two threads gets to it first. */
    private static final class RunOnce extends AtomicBoolean implements Runnable {
        private final transient Runnable task;

        RunOnce(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (compareAndSet(false, true)) {
                task.run();
            }
        }
    }

    /** A blocking completion for callers that wait for their append (the synchronous API). */
    public static final class SyncCompletion implements AppendCallback {
        /**
         * Spins before parking: a writer often answers within a few microseconds, and a park
         * plus unpark costs about as much again (measured: ~10 us per synchronous append).
         */
        private static final int SPINS_BEFORE_PARK = 1_000;

        private final Thread waiter = Thread.currentThread();
        private volatile boolean done;
        private volatile boolean parked;
        private long baseOffset;
        private long lastOffset;
        private FjordException error;

        @Override
        public void onComplete(long baseOffset, long lastOffset, FjordException error) {
            this.baseOffset = baseOffset;
            this.lastOffset = lastOffset;
            this.error = error;
            done = true;
            if (parked) {
                LockSupport.unpark(waiter);
            }
        }

        /**
         * Waits for completion. The writer always completes a queued request, so this does not
         * need a timeout; an interrupt ends the wait with the outcome unknown.
         */
        public SyncCompletion await() {
            for (int spin = 0; spin < SPINS_BEFORE_PARK && !done; spin++) {
                Thread.onSpinWait();
            }
            while (!done) {
                parked = true;
                if (!done) {
                    LockSupport.park(this);
                }
                parked = false;
                if (Thread.interrupted() && !done) {
                    Thread.currentThread().interrupt();
                    throw new FjordException("Interrupted while waiting for an append; it may still complete");
                }
            }
            if (error != null) {
                throw error; // created on the writer thread; its message names the partition and cause
            }
            return this;
        }

        public long baseOffset() {
            return baseOffset;
        }

        public long lastOffset() {
            return lastOffset;
        }
    }
}
