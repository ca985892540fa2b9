package io.fjord.log.partition;

import io.fjord.log.FileRegion;
import io.fjord.log.LogStorageException;
import io.fjord.log.OffsetOutOfRangeException;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;
import java.util.Map;

/**
 * Reads of a partition's log, from any thread, without locking: up to the published log end
 * offset, from the published log start offset.
 */
final class LogReadView {
    private final PartitionState state;

    LogReadView(PartitionState state) {
        this.state = state;
    }

    /**
     * Up to {@code maxBytes} of batches starting at the batch that holds {@code offset} (the whole
     * first batch even if larger). Empty at the log end.
     */
    FileRegion read(long offset, int maxBytes) {
        long end = state.logEndOffset;
        long start = state.logStartOffset;
        if (offset == end) {
            return FileRegion.EMPTY;
        }
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException(state.topicPartition + ": offset " + offset + " is outside [" + start
                    + ", " + end + "]");
        }
        LogSegments segments = state.segments;
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            while (entry != null) {
                FileRegion region = entry.getValue().read(offset, maxBytes);
                if (region != null) {
                    return region;
                }
                entry = segments.higherEntry(entry.getKey());
            }
            return FileRegion.EMPTY;
        } catch (IOException e) {
            throw new LogStorageException(state.topicPartition + ": read at offset " + offset + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The first offset whose record timestamp is at least {@code timestampMs}, or -1 when no record
     * is that recent. Uses the time indexes.
     */
    long offsetForTimestamp(long timestampMs) {
        long start = state.logStartOffset;
        try {
            for (LogSegment segment : state.segments.all()) {
                if (segment.nextOffset() <= start || segment.largestTimestampMs() < timestampMs) {
                    continue;
                }
                long found = segment.findOffsetByTimestamp(timestampMs, start);
                if (found >= 0) {
                    return found;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new LogStorageException(state.topicPartition + ": timestamp lookup failed: " + e.getMessage(), e);
        }
    }
}
