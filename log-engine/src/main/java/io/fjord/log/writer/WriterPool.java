package io.fjord.log.writer;

import io.fjord.log.AppendTimeoutException;
import io.fjord.log.EngineClosedException;
import io.fjord.log.FjordException;
import io.fjord.log.TopicPartition;
import io.fjord.log.partition.PartitionLog;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of {@link PartitionWriter} threads; each partition always goes to the same one
 * (by hash), which makes it that partition's single writer. Other threads talk to writers only
 * through their bounded queues: a full queue is back-pressure, retried until the append timeout.
 */
public final class WriterPool implements AutoCloseable {
    private static final long OFFER_RETRY_PARK_NS = 50_000;

    private final PartitionWriter[] writers;
    private final long appendTimeoutMs;
    private volatile boolean closed;

    public WriterPool(int threads, int queueCapacity, long appendTimeoutMs) {
        this(threads, queueCapacity, appendTimeoutMs, StorageOutcomeListener.NONE);
    }

    /** With {@code storage} told of every append's outcome on the writer threads. */
    public WriterPool(int threads, int queueCapacity, long appendTimeoutMs, StorageOutcomeListener storage) {
        if (threads < 1) {
            throw new IllegalArgumentException("writer threads must be >= 1: " + threads);
        }
        this.appendTimeoutMs = appendTimeoutMs;
        this.writers = new PartitionWriter[threads];
        for (int i = 0; i < threads; i++) {
            writers[i] = new PartitionWriter("fjord-writer-" + i, queueCapacity, storage);
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
