package io.fjord.log.cleaner;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogStorageException;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.partition.PartitionLog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Log compaction for topics with {@code cleanup.policy=compact} (or {@code compact,delete}):
 * every {@link EngineConfig#cleanerCheckIntervalMs()} each of {@link EngineConfig#cleanerThreads()}
 * threads picks the dirtiest compacted log whose dirty ratio ({@link DirtyRatio}) has reached its
 * {@code min.cleanable.dirty.ratio} (or whose oldest dirty segment is past
 * {@code max.compaction.lag.ms}) and runs one {@link CleaningPass} over it.
 *
 * <p>Memory is bounded by the engine config: the dedupe buffer is split between the threads, each
 * thread has one I/O buffer (and, for compressed batches, decompression buffers bounded by
 * {@link EngineConfig#maxDecompressedBatchBytes()}). A pass is allocated on first use, so an engine without compacted
 * topics pays nothing. Disk traffic is capped by {@link EngineConfig#cleanerIoMaxBytesPerSecond()},
 * shared by all threads.
 *
 * <p>Thread-safe. Two threads never clean the same log at once; a pass holds the log's
 * {@link PartitionLog#cleanerLock()}, so closing or deleting the log waits for it to stop.
 */
public final class LogCleaner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogCleaner.class.getName());

    private final EngineConfig config;
    private final Supplier<List<PartitionLog>> logs;
    private final CleanerCheckpoint checkpoint;
    private final BlockingQueue<CleaningPass> idlePasses;
    private final AtomicInteger passesCreated = new AtomicInteger();
    private final Set<TopicPartition> inProgress = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor executor;
    private final IoThrottler throttler;
    private volatile CleanerHook hook = CleanerHook.NONE;

    public LogCleaner(EngineConfig config, Supplier<List<PartitionLog>> logs) {
        this.config = config;
        this.logs = logs;
        this.checkpoint = new CleanerCheckpoint(config.dataDir());
        this.throttler = new IoThrottler(config.cleanerIoMaxBytesPerSecond());
        this.idlePasses = new ArrayBlockingQueue<>(config.cleanerThreads());
        AtomicInteger threadIds = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(config.cleanerThreads(), runnable -> {
            Thread thread = new Thread(runnable, "fjord-cleaner-" + threadIds.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Starts the background threads. */
    public void start() {
        long interval = config.cleanerCheckIntervalMs();
        for (int i = 0; i < config.cleanerThreads(); i++) {
            executor.scheduleWithFixedDelay(this::cleanDirtiestQuietly, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** Installs a hook called at each step of a segment swap (crash tests). */
    public void hook(CleanerHook value) {
        this.hook = Objects.requireNonNull(value, "hook");
    }

    /**
     * Runs one pass now over every compacted log, whatever its dirty ratio, on the calling thread
     * (tests, admin tools). Returns the number of segments replaced.
     *
     * @throws LogStorageException when a pass fails
     */
    public int cleanAllNow() {
        int cleaned = 0;
        for (PartitionLog log : logs.get()) {
            if (log.config().compact() && !log.isClosed() && !log.isOffline()) {
                cleaned += clean(log);
            }
        }
        return cleaned;
    }

    /** The cleaner checkpoint of a partition: offsets below it have been compacted. */
    public long firstDirtyOffset(TopicPartition topicPartition) {
        return checkpoint.firstDirtyOffset(topicPartition);
    }

    private void cleanDirtiestQuietly() {
        try {
            PartitionLog log = dirtiest();
            if (log != null) {
                clean(log);
            }
        } catch (RuntimeException e) {
            // A failed pass leaves the old segments in place; retry at the next interval.
            LOG.log(System.Logger.Level.WARNING, "Log cleaning failed", e);
        }
    }

    /** The compacted log most worth cleaning now, or null. */
    private PartitionLog dirtiest() {
        long nowMs = config.clock().nowMs();
        PartitionLog best = null;
        double bestRatio = -1;
        for (PartitionLog log : logs.get()) {
            TopicConfig cfg = log.config();
            if (!cfg.compact() || log.isClosed() || log.isOffline() || inProgress.contains(log.topicPartition())) {
                continue;
            }
            try {
                DirtyRatio dirty = DirtyRatio.of(log, firstDirty(log));
                boolean overdue = dirty.dirtyBytes() > 0 && nowMs - dirty.oldestDirtyTimestampMs() > cfg.maxCompactionLagMs();
                double ratio = overdue ? Double.MAX_VALUE : dirty.ratio();
                if (dirty.dirtyBytes() > 0 && (overdue || ratio >= cfg.minCleanableDirtyRatio()) && ratio > bestRatio) {
                    best = log;
                    bestRatio = ratio;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: dirty ratio unavailable: {1}", log.topicPartition(),
                        e.getMessage());
            }
        }
        return best;
    }

    private long firstDirty(PartitionLog log) {
        long recorded = checkpoint.firstDirtyOffset(log.topicPartition());
        // Outside the log (deleted records, a recreated topic, a truncated tail): start over.
        return recorded < log.logStartOffset() || recorded > log.logEndOffset() ? log.logStartOffset() : recorded;
    }

    private int clean(PartitionLog log) {
        TopicPartition tp = log.topicPartition();
        if (!inProgress.add(tp)) {
            return 0;
        }
        CleaningPass pass = null;
        try {
            pass = acquirePass();
            CleaningPass.Result result;
            synchronized (log.cleanerLock()) {
                result = pass.clean(log, firstDirty(log), config.clock().nowMs(), hook);
            }
            if (result.newFirstDirtyOffset() >= 0) {
                checkpoint.update(tp, result.newFirstDirtyOffset());
                writeCheckpoint();
            }
            if (result.segmentsCleaned() > 0) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: cleaned {1} segments, {2} -> {3} bytes", tp,
                        result.segmentsCleaned(), result.bytesBefore(), result.bytesAfter());
            }
            return result.segmentsCleaned();
        } catch (IOException e) {
            throw new LogStorageException(tp + ": cleaning failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            if (pass != null) {
                idlePasses.add(pass);
            }
            inProgress.remove(tp);
        }
    }

    private CleaningPass acquirePass() throws InterruptedException {
        CleaningPass pass = idlePasses.poll();
        if (pass != null) {
            return pass;
        }
        int threads = config.cleanerThreads();
        if (passesCreated.getAndUpdate(n -> n < threads ? n + 1 : n) < threads) {
            return new CleaningPass(config.cleanerDedupeBufferBytes() / threads, config.cleanerIoBufferBytes(),
                    config.maxDecompressedBatchBytes(), throttler);
        }
        return idlePasses.take();
    }

    private void writeCheckpoint() throws IOException {
        List<TopicPartition> live = new ArrayList<>();
        for (PartitionLog log : logs.get()) {
            live.add(log.topicPartition());
        }
        checkpoint.write(live);
    }

    /** Stops the threads, waiting for a running pass to finish or notice its log closing. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
