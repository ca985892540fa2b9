package io.fjord.log.partition;

import io.fjord.log.EngineMetrics;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.producer.ProducerStateManager;

import java.nio.file.Path;

/**
 * What the parts of one {@link PartitionLog} share: its identity and files, its configs, its
 * segments and producer state, and the offsets and flags it publishes to other threads.
 *
 * <p>Who writes what (everyone may read): {@link #logEndOffset} and {@link #offline} the
 * {@link LogAppender} on the writer thread (and the {@link LogLoader} before the log is shared);
 * {@link #logStartOffset} the loader and {@link LogRetention}, under {@link #startOffsetLock};
 * {@link #config} the admin thread; {@link #closed} whoever closes the log.
 */
final class PartitionState {
    final TopicPartition topicPartition;
    final Path dir;
    final FileIo io;
    final MillisClock clock;
    /** Where loading counts what it repaired ({@link EngineMetrics#indexesRebuilt()}). */
    final EngineMetrics metrics;
    final LogSegments segments = new LogSegments();
    final ProducerStateManager producerState;
    /**
     * Held while the log start offset moves or segments below the active one leave or are
     * replaced: retention, DeleteRecords and the cleaner's swap. The append path never takes it.
     */
    final Object startOffsetLock = new Object();

    volatile TopicConfig config;
    /** The next offset to be assigned: readers see every offset below it. */
    volatile long logEndOffset;
    volatile long logStartOffset;
    /** A rollback failed: the tail is unknown until the next open rescans it. */
    volatile boolean offline;
    /**
     * A segment file was created (or a name otherwise changed) in {@link #dir} since its last
     * fsync: the next flush fsyncs the directory too, or the names of fsynced segments could be
     * lost with power. True at open: loading may have created, cut or deleted segments.
     */
    volatile boolean dirSyncPending = true;
    volatile boolean closed;

    PartitionState(TopicPartition topicPartition, Path dir, TopicConfig config, FileIo io, MillisClock clock,
                   EngineMetrics metrics) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.io = io;
        this.clock = clock;
        this.metrics = metrics;
        this.producerState = new ProducerStateManager(topicPartition);
    }
}
