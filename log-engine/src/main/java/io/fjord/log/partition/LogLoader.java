package io.fjord.log.partition;

import io.fjord.index.CorruptIndexException;
import io.fjord.log.TopicConfig;
import io.fjord.log.producer.ProducerStateManager;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.segment.SegmentFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a partition's log from its directory into a {@link PartitionState}: finishes an
 * interrupted cleaner swap, drops leftovers, opens the segments, recovers what a crash may have
 * torn, and rebuilds the producer state. After a clean shutdown the indexes are trusted (and
 * rebuilt only if they fail their sanity checks or are missing); otherwise every segment from the
 * one holding the checkpointed recovery point on is rescanned and cut at the first invalid byte,
 * and every segment after a cut is deleted, so nothing after corruption is ever served.
 *
 * <p>Runs once, on a loader thread, before the log is shared.
 */
final class LogLoader {
    private static final System.Logger LOG = System.getLogger(LogLoader.class.getName());

    private final PartitionState state;
    private final LogSegments segments;
    /** Segments from this base offset on were never rewritten by the cleaner ({@link CleanedOffsetBound}). */
    private final long cleanedBelow;

    LogLoader(PartitionState state, long cleanedBelow) {
        this.state = state;
        this.segments = state.segments;
        this.cleanedBelow = cleanedBelow;
    }

    /**
     * Fills {@code state}'s segments, active segment, log start and end offsets and producer
     * state; returns the recovery point to start from (every offset below it is on disk).
     */
    long load(long checkpointedRecoveryPoint, long checkpointedLogStartOffset, boolean cleanShutdown)
            throws IOException {
        Path dir = state.dir;
        Files.createDirectories(dir);
        CleanerSwapRecovery.completeInterruptedSwaps(dir, state.topicPartition);
        List<Long> baseOffsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.DELETED_SUFFIX) || name.endsWith(".tmp")) {
                    Files.deleteIfExists(file); // a retired segment or a temp file from before a crash
                    continue;
                }
                long base = SegmentFiles.baseOffsetOfLogFile(name);
                if (base >= 0) {
                    baseOffsets.add(base);
                }
            }
        }
        baseOffsets.sort(null);
        TopicConfig cfg = state.config;
        long recoverFrom = cleanShutdown ? Long.MAX_VALUE : segmentBaseAtOrBelow(baseOffsets, checkpointedRecoveryPoint);
        boolean cut = false;
        long nowMs = state.clock.nowMs();
        List<LogSegment> rebuilt = new ArrayList<>();
        for (int i = 0; i < baseOffsets.size(); i++) {
            long base = baseOffsets.get(i);
            long nextBase = i + 1 < baseOffsets.size() ? baseOffsets.get(i + 1) : Long.MAX_VALUE;
            LogSegment segment = LogSegment.open(dir, base, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), state.io,
                    nowMs);
            if (cut) {
                LOG.log(System.Logger.Level.WARNING, "{0}: deleting segment {1} that follows a truncated one",
                        state.topicPartition, segment.logFile());
                segment.closeAndDelete();
                continue;
            }
            segments.put(segment);
            if (base >= recoverFrom) {
                if (segment.discardedIndexReason() != null) {
                    logIndexRebuild(segment, segment.discardedIndexReason());
                }
                cut = segment.recover(Integer.MAX_VALUE, nextBase, base >= cleanedBelow) > 0
                        || base >= cleanedBelow && segment.endsShortOf(nextBase);
                rebuilt.add(segment);
            } else {
                try {
                    segment.loadClean();
                    if (base != baseOffsets.get(baseOffsets.size() - 1)) {
                        // Opening preallocated the index files again. A segment that takes no
                        // more appends keeps them trimmed: otherwise a crash before the next
                        // close leaves zero-tailed full-size indexes that force a rescan.
                        segment.offsetIndex().trimToValidSize();
                        segment.timeIndex().trimToValidSize();
                        // Checked; mapped again on first use (no reader runs yet, so unmapping is safe).
                        segment.releaseIndexMappings();
                    }
                } catch (CorruptIndexException e) {
                    logIndexRebuild(segment, e.getMessage());
                    cut = segment.recover(Integer.MAX_VALUE, nextBase, base >= cleanedBelow) > 0
                            || base >= cleanedBelow && segment.endsShortOf(nextBase);
                    rebuilt.add(segment);
                }
            }
        }
        // Rebuilt older segments get the final time index entry and trimmed files a roll gives.
        // Segments rebuilt for bad indexes below the recovery point are made durable at once, as
        // the recovery point already covers them; the routine rescan of the unflushed tail after
        // a crash is not: the recovery point stays where the checkpoint had it (as Kafka's does),
        // so another crash rescans that tail again, and the next flush makes it durable. That
        // keeps a restart of 10,000 partitions after kill -9 from fsyncing 30,000 files.
        for (LogSegment segment : rebuilt) {
            if (segment != segments.last()) {
                segment.onBecomeInactive();
            }
            if (segment.baseOffset() < recoverFrom) {
                segment.flushAll();
            }
        }
        long start = Math.max(0, checkpointedLogStartOffset);
        if (segments.isEmpty()) {
            LogSegment first = LogSegment.create(dir, start, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), state.io,
                    nowMs);
            segments.put(first);
        }
        LogSegment last = segments.last();
        long end = last.nextOffset();
        if (start > end) {
            // The checkpointed start is past what survived (e.g. data lost with its disk cache):
            // begin an empty log at the start offset rather than serve offsets below it again.
            segments.closeAndDeleteAll();
            last = LogSegment.create(dir, start, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), state.io, nowMs);
            segments.put(last);
            end = start;
        }
        rebuildProducerState(nowMs);
        segments.activate(last);
        state.logEndOffset = end;
        state.logStartOffset = Math.max(start, segments.firstBaseOffset());
        return cleanShutdown ? end : Math.min(end, Math.max(checkpointedRecoveryPoint, 0));
    }

    /** Once per segment whose indexes are rebuilt because they were missing or unusable. */
    private void logIndexRebuild(LogSegment segment, String reason) {
        LOG.log(System.Logger.Level.WARNING, "{0}: rebuilding the indexes of {1} from the log: {2}",
                state.topicPartition, segment.logFile(), reason);
        state.metrics.onIndexesRebuilt();
    }

    /**
     * Replays the batch headers of recent segments into the producer state. Segments last written
     * longer than {@code producer.id.expiration.ms} ago are skipped: their producers have been
     * idle that long and would have expired anyway, and this bounds the startup scan. (File
     * times, not record timestamps: clients may stamp records with any time.)
     */
    private void rebuildProducerState(long nowMs) throws IOException {
        ProducerStateManager producerState = state.producerState;
        for (LogSegment segment : segments.all()) {
            if (nowMs - segment.lastModifiedMs() > ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS) {
                continue;
            }
            segment.forEachBatchHeader(header -> {
                if (header.producerId() >= 0 && !header.isControl()) {
                    producerState.onAppended(header.producerId(), header.producerEpoch(), header.baseSequence(),
                            header.lastSequence(), header.baseOffset(), header.lastOffset(), nowMs);
                }
            });
        }
    }

    private static long segmentBaseAtOrBelow(List<Long> baseOffsets, long offset) {
        long found = Long.MIN_VALUE;
        for (long base : baseOffsets) {
            if (base <= offset) {
                found = base;
            }
        }
        return found;
    }
}
