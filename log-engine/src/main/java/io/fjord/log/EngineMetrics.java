package io.fjord.log;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Counters and gauges of the engine's health: the faults an operator must learn about (a full disk, a
 * corrupt file rebuilt, a half-created topic removed) are logged once and counted here, so a monitoring
 * system sees them even when nobody reads the log. One instance per {@link LogEngine}
 * ({@link LogEngine#metrics()}); the broker exports them.
 *
 * <p>Thread safety: every counter is safe to bump from any thread and to read at any time.
 */
public final class EngineMetrics {
    private final LongAdder failedTopicCreations = new LongAdder();
    private final LongAdder unfinishedTopicCreationsRemoved = new LongAdder();
    private final LongAdder interruptedTopicDeletionsFinished = new LongAdder();
    private final LongAdder strayPartitionDirectoriesRemoved = new LongAdder();
    private final LongAdder storageErrors = new LongAdder();
    private final LongAdder diskFullEpisodes = new LongAdder();
    private volatile boolean diskFull;

    /** CreateTopics/CreatePartitions that failed part way; what they had made was removed at once. */
    public long failedTopicCreations() {
        return failedTopicCreations.sum();
    }

    /**
     * Topics found on start with partition directories but no commit marker (a creation cut short
     * by a crash, or whose clean-up failed too), whose leftovers were deleted.
     */
    public long unfinishedTopicCreationsRemoved() {
        return unfinishedTopicCreationsRemoved.sum();
    }

    /** Topic deletions a crash (or an I/O error) interrupted, finished on start. */
    public long interruptedTopicDeletionsFinished() {
        return interruptedTopicDeletionsFinished.sum();
    }

    /** Partition directories beyond a topic's committed partition count (a failed CreatePartitions), removed on start. */
    public long strayPartitionDirectoriesRemoved() {
        return strayPartitionDirectoriesRemoved.sum();
    }

    /** Appends (and their fsyncs) that failed with an I/O error, a full disk included. */
    public long storageErrors() {
        return storageErrors.sum();
    }

    /** Whether the last write attempt found the disk full; cleared by the next successful append. */
    public boolean diskFull() {
        return diskFull;
    }

    /** How many times the disk was found full after having had space (each is logged once). */
    public long diskFullEpisodes() {
        return diskFullEpisodes.sum();
    }

    void failedTopicCreation() {
        failedTopicCreations.increment();
    }

    void unfinishedTopicCreationRemoved() {
        unfinishedTopicCreationsRemoved.increment();
    }

    void interruptedTopicDeletionFinished() {
        interruptedTopicDeletionsFinished.increment();
    }

    void strayPartitionDirectoryRemoved() {
        strayPartitionDirectoriesRemoved.increment();
    }

    void storageError() {
        storageErrors.increment();
    }

    /** Sets the gauge; true when this call changed it (the caller logs the change once). */
    boolean diskFull(boolean full) {
        if (diskFull == full) {
            return false;
        }
        synchronized (this) {
            if (diskFull == full) {
                return false;
            }
            diskFull = full;
            if (full) {
                diskFullEpisodes.increment();
            }
            return true;
        }
    }

    private final LongAdder indexesRebuilt = new LongAdder();
    private final LongAdder creationsRefusedForDescriptors = new LongAdder();

    /**
     * Segments whose offset and time indexes were rebuilt from the log because an index file was
     * missing, unreadable (e.g. a length that is not a whole number of entries) or failed its
     * sanity check. The routine rescan of the unflushed tail after a crash is not counted.
     */
    public long indexesRebuilt() {
        return indexesRebuilt.sum();
    }

    /** Counts one segment whose indexes are rebuilt; see {@link #indexesRebuilt()}. */
    public void onIndexesRebuilt() {
        indexesRebuilt.increment();
    }

    /**
     * Topic or partition creations refused because they would have left the process too few file
     * descriptors ({@link DescriptorHeadroomException}).
     */
    public long creationsRefusedForDescriptors() {
        return creationsRefusedForDescriptors.sum();
    }

    /** Counts one refusal; true for the first, which the caller logs (later ones are only counted). */
    boolean onCreationRefusedForDescriptors() {
        creationsRefusedForDescriptors.increment();
        return creationsRefusedForDescriptors.sum() == 1;
    }

    private final LongAdder flushes = new LongAdder();
    private final LongAdder flushNanos = new LongAdder();
    private volatile LongConsumer flushTimeListener = nanos -> { };
    private volatile Supplier<int[]> writerQueueDepths = () -> new int[0];

    /** Log flushes (fsyncs of a partition's unflushed segments) since start. */
    public long flushes() {
        return flushes.sum();
    }

    /** Time spent in those flushes, in nanoseconds. */
    public long flushNanos() {
        return flushNanos.sum();
    }

    /** Counts one flush that took {@code nanos}; called by the thread that flushed. */
    public void onFlush(long nanos) {
        flushes.increment();
        flushNanos.add(nanos);
        flushTimeListener.accept(nanos);
    }

    /**
     * Also tells {@code listener} each flush's duration in nanoseconds, on the flushing thread (a writer
     * or the maintenance thread): e.g. a broker's latency histogram. Must be quick and not block.
     */
    public synchronized void flushTimeListener(LongConsumer listener) {
        this.flushTimeListener = listener == null ? nanos -> { } : listener;
    }

    /** Stops telling {@code listener}, if it is the one set (another may have replaced it since). */
    public synchronized void removeFlushTimeListener(LongConsumer listener) {
        if (flushTimeListener == listener) {
            flushTimeListener = nanos -> { };
        }
    }

    /** Appends queued for each writer thread, now: a gauge (index = writer number). */
    public int[] writerQueueDepths() {
        return writerQueueDepths.get();
    }

    void writerQueueDepths(Supplier<int[]> gauge) {
        this.writerQueueDepths = gauge;
    }
}
