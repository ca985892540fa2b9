package io.fjord.log.cleaner;

import io.fjord.log.partition.PartitionLog;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;

/**
 * How much of a log's inactive part the cleaner has not compacted yet: bytes of the inactive
 * segments holding offsets at or after the first dirty offset, over the bytes of all inactive
 * segments. Segment granularity, like the cleaner's rewrites; computed from segment sizes only,
 * without reading any file.
 */
record DirtyRatio(long dirtyBytes, long totalBytes, long oldestDirtyTimestampMs) {

    static DirtyRatio of(PartitionLog log, long firstDirtyOffset) throws IOException {
        LogSegment active = log.activeSegment();
        long dirty = 0;
        long total = 0;
        long oldestDirty = Long.MAX_VALUE;
        for (LogSegment segment : log.segments()) {
            if (segment == active || segment.baseOffset() >= active.baseOffset()) {
                break;
            }
            total += segment.sizeBytes();
            if (segment.nextOffset() > firstDirtyOffset) {
                dirty += segment.sizeBytes();
                oldestDirty = Math.min(oldestDirty, segment.largestTimestampMs());
            }
        }
        return new DirtyRatio(dirty, total, oldestDirty);
    }

    double ratio() {
        return totalBytes == 0 ? 0 : (double) dirtyBytes / totalBytes;
    }
}
