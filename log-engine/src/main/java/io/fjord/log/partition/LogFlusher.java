package io.fjord.log.partition;

import io.fjord.log.io.AtomicFiles;
import io.fjord.log.LogStorageException;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;

/**
 * Makes a partition's appends durable: fsyncs the segments between the recovery point and the log
 * end, and then advances the recovery point (every offset below it is on disk; the engine
 * checkpoints it so the next unclean start rescans only what follows).
 *
 * <p>Thread-safe: the writer (durability=sync, {@code flush.messages}), the scheduler
 * ({@code flush.ms}) and callers of {@code Partition.flush} may flush at once; they are
 * serialised, and one whose data an earlier flush already covered returns at once.
 */
final class LogFlusher {
    private final PartitionState state;
    private final Object flushLock = new Object();
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;

    /** {@code lastFlushMs}: when the log was opened (everything below the recovery point was durable then). */
    LogFlusher(PartitionState state, long recoveryPoint, long lastFlushMs) {
        this.state = state;
        this.recoveryPoint = recoveryPoint;
        this.lastFlushMs = lastFlushMs;
    }

    /** Every offset below this is fsynced. */
    long recoveryPoint() {
        return recoveryPoint;
    }

    /** fsyncs everything appended so far and advances the recovery point. */
    void flush() {
        long upTo = state.logEndOffset;
        synchronized (flushLock) {
            if (upTo <= recoveryPoint) {
                return;
            }
            LogSegments segments = state.segments;
            long startNanos = System.nanoTime();
            try {
                Long from = segments.floorKey(recoveryPoint);
                LogSegment active = segments.active();
                for (LogSegment segment : segments.from(from == null ? Long.MIN_VALUE : from)) {
                    if (segment.baseOffset() >= upTo && segment != active) {
                        break;
                    }
                    if (segment == active) {
                        segment.flush();
                    } else {
                        segment.flushAll();
                    }
                }
                if (state.dirSyncPending) {
                    state.dirSyncPending = false; // first: a roll during the fsync sets it again
                    try {
                        AtomicFiles.fsyncDirectory(state.dir);
                    } catch (IOException e) {
                        state.dirSyncPending = true;
                        throw e;
                    }
                }
            } catch (IOException e) {
                throw new LogStorageException(state.topicPartition + ": fsync failed: " + e.getMessage(), e);
            }
            state.metrics.onFlush(System.nanoTime() - startNanos);
            recoveryPoint = upTo;
            lastFlushMs = state.clock.nowMs();
        }
    }

    /** Flushes if {@code flush.ms} has passed since the last flush and there is unflushed data. */
    void maybeFlushOnTimer(long nowMs) {
        if (state.logEndOffset > recoveryPoint && nowMs - lastFlushMs >= state.config.flushMs()) {
            flush();
        }
    }
}
