package io.fjord.log.partition;

import io.fjord.log.io.AtomicFiles;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.segment.SegmentFiles;

import java.io.IOException;
import java.util.List;

/**
 * The log cleaner's side of a partition's log: the bound below which segments may have been
 * rewritten ({@link CleanedOffsetBound}), the lock a cleaning pass holds, and the crash-safe swap
 * of cleaned segments for the originals. Any thread except the writer; the swap is serialised
 * with retention by {@link PartitionState#startOffsetLock}.
 */
final class CleanerSwap {
    private static final System.Logger LOG = System.getLogger(CleanerSwap.class.getName());

    private final PartitionState state;
    private final SegmentRetirer retirer;
    /** Held by a cleaning pass over this log, and by close/delete to wait one out. */
    private final Object cleanerLock = new Object();
    /** Segments from this base offset on were never rewritten by the cleaner; under startOffsetLock. */
    private long cleanedBelow;

    CleanerSwap(PartitionState state, SegmentRetirer retirer, long cleanedBelow) {
        this.state = state;
        this.retirer = retirer;
        this.cleanedBelow = cleanedBelow;
    }

    /**
     * The base offset from which recovery checks offset continuity: {@code 0} when nothing was
     * ever cleaned, {@code Long.MAX_VALUE} when something may have been but no bound was recorded.
     * {@code unrecorded}: the directory has no bound file but may have been cleaned (see the full
     * form of {@code PartitionLog.open}).
     */
    static long cleanedBelowOnOpen(long recorded, boolean unrecorded) {
        return recorded != CleanedOffsetBound.UNKNOWN ? recorded : unrecorded ? Long.MAX_VALUE : 0;
    }

    /** The monitor a cleaning pass holds for its whole run. */
    Object cleanerLock() {
        return cleanerLock;
    }

    /**
     * Whatever cleaned this log before (an earlier version, Kafka) rewrote nothing at or past its
     * end: from the next start on, segments rolled from here are checked for continuity. Best effort.
     */
    void recordCleanedBelowEnd() {
        long end = state.logEndOffset;
        try {
            CleanedOffsetBound.write(state.dir, end);
            cleanedBelow = end;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: could not record {1}: {2}", state.topicPartition,
                    CleanedOffsetBound.FILE_NAME, e.toString());
        }
    }

    /**
     * Called by a cleaning pass before it writes anything: records, durably, that segments below
     * the active one may be rewritten from now on, so recovery stops expecting contiguous offsets
     * there ({@link CleanedOffsetBound}). Writes only when the bound moves.
     */
    void beforeCleaning() throws IOException {
        synchronized (state.startOffsetLock) {
            // No cleaner (of any version, or Kafka's) ever rewrote the active segment, so lowering an
            // unknown (MAX) bound to its base is as sound as raising a known one.
            long activeBase = state.segments.active().baseOffset();
            if (cleanedBelow == Long.MAX_VALUE || activeBase > cleanedBelow) {
                CleanedOffsetBound.write(state.dir, activeBase);
                cleanedBelow = activeBase;
            }
        }
    }

    /** See {@link PartitionLog#replaceSegments}. */
    boolean replaceSegments(List<LogSegment> olds, LogSegment cleaned, Runnable beforeRename) throws IOException {
        synchronized (state.startOffsetLock) {
            LogSegments segments = state.segments;
            if (state.closed || olds.isEmpty() || cleaned.baseOffset() != olds.get(0).baseOffset()) {
                return false;
            }
            for (LogSegment old : olds) {
                if (segments.get(old.baseOffset()) != old || old == segments.active()) {
                    return false;
                }
            }
            for (LogSegment old : olds) {
                old.markDeleted();
            }
            beforeRename.run();
            cleaned.renameSuffix(SegmentFiles.SWAP_SUFFIX, "", false);
            AtomicFiles.fsyncDirectory(state.dir);
            segments.put(cleaned);
            for (int i = 1; i < olds.size(); i++) {
                segments.remove(olds.get(i));
            }
            for (LogSegment old : olds) {
                retirer.retire(old, state.config.fileDeleteDelayMs());
            }
            return true;
        }
    }
}
