package io.fjord.log.partition;

import io.fjord.log.OffsetOutOfRangeException;
import io.fjord.log.TopicConfig;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves a partition's log start offset forward and retires the whole segments below it: by
 * DeleteRecords, by age ({@code retention.ms}) and by size ({@code retention.bytes}). Never the
 * active segment. Any thread; serialised with the cleaner's swap by
 * {@link PartitionState#startOffsetLock}.
 */
final class LogRetention {
    private static final System.Logger LOG = System.getLogger(LogRetention.class.getName());

    private final PartitionState state;
    private final SegmentRetirer retirer;

    LogRetention(PartitionState state, SegmentRetirer retirer) {
        this.state = state;
        this.retirer = retirer;
    }

    /**
     * Advances the log start offset to {@code offset} (Kafka's DeleteRecords); whole segments below
     * it are deleted. Offsets below it are no longer readable.
     */
    void deleteRecords(long offset) {
        synchronized (state.startOffsetLock) {
            long end = state.logEndOffset;
            if (offset < 0 || offset > end) {
                throw new OffsetOutOfRangeException(state.topicPartition + ": cannot delete records before " + offset
                        + ", the log ends at " + end);
            }
            if (offset > state.logStartOffset) {
                state.logStartOffset = offset;
            }
        }
        deleteRetiredSegments(state.clock.nowMs());
    }

    /**
     * Deletes whole non-active segments that are below the log start offset, older than
     * {@code retention.ms} (by their largest record timestamp), or over {@code retention.bytes},
     * oldest first; never the active segment. Returns the number deleted.
     */
    int deleteRetiredSegments(long nowMs) {
        synchronized (state.startOffsetLock) {
            TopicConfig cfg = state.config;
            LogSegments segments = state.segments;
            LogSegment active = segments.active();
            long excessBytes = cfg.retentionBytes() < 0 ? 0 : segments.sizeBytes() - cfg.retentionBytes();
            List<LogSegment> doomed = new ArrayList<>();
            if (!cfg.deleteRetention()) {
                excessBytes = 0; // compact-only topics keep their history by key, not by age or size
            }
            boolean timeExpiredSoFar = cfg.retentionMs() >= 0 && cfg.deleteRetention();
            try {
                for (LogSegment segment : segments.all()) {
                    if (segment == active || segment.baseOffset() >= active.baseOffset()) {
                        break;
                    }
                    boolean belowStart = segment.nextOffset() <= state.logStartOffset;
                    timeExpiredSoFar = timeExpiredSoFar && nowMs - segment.largestTimestampMs() > cfg.retentionMs();
                    boolean overSize = excessBytes > 0 && excessBytes - segment.sizeBytes() >= 0;
                    if (!belowStart && !timeExpiredSoFar && !overSize) {
                        break;
                    }
                    excessBytes -= segment.sizeBytes();
                    doomed.add(segment);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: retention check failed: {1}", state.topicPartition,
                        e.getMessage());
            }
            if (doomed.isEmpty()) {
                return 0;
            }
            // Raise the start offset before the segments leave the map, so a reader never finds
            // an offset that is in range but has no segment.
            long newStart = segments.higherKey(doomed.get(doomed.size() - 1).baseOffset());
            if (newStart > state.logStartOffset) {
                state.logStartOffset = newStart;
            }
            for (LogSegment segment : doomed) {
                segments.remove(segment);
                try {
                    segment.markDeleted();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: could not rename {1} for deletion: {2}",
                            state.topicPartition, segment.logFile(), e.getMessage());
                }
                retirer.retire(segment, cfg.fileDeleteDelayMs());
            }
            return doomed.size();
        }
    }
}
