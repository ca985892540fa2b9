package io.fjord.log;

import io.fjord.log.partition.PartitionLog;
import io.fjord.log.partition.SegmentRetirer;
import io.fjord.log.producer.ProducerStateManager;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link LogEngine}'s background upkeep on one thread ({@code fjord-scheduler}): retention,
 * timed flushes ({@code flush.ms}), checkpoints, producer-state expiry, and the delayed deletion
 * of retired segments ({@code file.delete.delay.ms}). Thread-safe.
 */
final class MaintenanceScheduler implements SegmentRetirer {
    private static final System.Logger LOG = System.getLogger(MaintenanceScheduler.class.getName());
    /** Kafka's {@code producer.id.expiration.check.interval.ms}. */
    static final long PRODUCER_EXPIRATION_CHECK_INTERVAL_MS = 600_000;
    /** How long {@link #shutdown()} waits for a running task, e.g. a retention pass deleting files. */
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    private final EngineConfig config;
    private final Supplier<List<PartitionLog>> logs;
    private final ScheduledThreadPoolExecutor scheduler;
    /** Segments retired and waiting for their delayed deletion; {@link #deleteRetiredNow()} takes the rest. */
    private final Set<LogSegment> retiring = ConcurrentHashMap.newKeySet();

    MaintenanceScheduler(EngineConfig config, Supplier<List<PartitionLog>> logs) {
        this.config = config;
        this.logs = logs;
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fjord-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Starts the periodic tasks; {@code checkpoint} writes the engine's checkpoints. */
    void start(Runnable checkpoint) {
        schedule(this::enforceRetention, config.retentionCheckIntervalMs());
        schedule(this::flushOnTimers, config.flushCheckIntervalMs());
        schedule(checkpoint, config.checkpointIntervalMs());
        schedule(this::expireProducers, PRODUCER_EXPIRATION_CHECK_INTERVAL_MS);
    }

    private void schedule(Runnable task, long intervalMs) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A periodic task that throws is cancelled for good: log and keep it alive.
                LOG.log(System.Logger.Level.WARNING, "Background task failed", e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** A retention pass over every open log. */
    void enforceRetention() {
        long nowMs = config.clock().nowMs();
        for (PartitionLog log : logs.get()) {
            if (!log.isClosed()) {
                log.deleteRetiredSegments(nowMs);
            }
        }
    }

    private void flushOnTimers() {
        long nowMs = config.clock().nowMs();
        for (PartitionLog log : logs.get()) {
            if (!log.isClosed()) {
                log.maybeFlushOnTimer(nowMs);
            }
        }
    }

    private void expireProducers() {
        long nowMs = config.clock().nowMs();
        for (PartitionLog log : logs.get()) {
            log.producerState().removeExpired(nowMs, ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS);
        }
    }

    /** Closes and deletes {@code segment} after {@code delayMs}, or at once when shutting down. */
    @Override
    public void retire(LogSegment segment, long delayMs) {
        retiring.add(segment);
        Runnable delete = () -> {
            if (retiring.remove(segment)) {
                try {
                    segment.closeAndDelete();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not delete " + segment, e);
                }
            }
        };
        try {
            scheduler.schedule(delete, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            delete.run(); // shutting down: close() deletes whatever is left
        }
    }

    /** Stops the thread, dropping delayed tasks, and waits for a running one to finish. */
    void shutdown() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread without waiting (after a failed open, when nothing ran yet). */
    void shutdownNow() {
        scheduler.shutdownNow();
    }

    /** After {@link #shutdown()}: deletes the retired segments whose delay had not passed; the last failure. */
    IOException deleteRetiredNow() {
        IOException failure = null;
        for (LogSegment segment : new ArrayList<>(retiring)) {
            retiring.remove(segment);
            try {
                segment.closeAndDelete();
            } catch (IOException e) {
                failure = e;
            }
        }
        return failure;
    }
}
