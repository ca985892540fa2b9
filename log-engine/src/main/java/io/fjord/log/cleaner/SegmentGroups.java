package io.fjord.log.cleaner;

import io.fjord.index.OffsetIndex;
import io.fjord.index.TimeIndex;
import io.fjord.log.TopicConfig;
import io.fjord.log.segment.LogSegment;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the segments a pass rewrites into runs of adjacent segments that become one cleaned
 * segment each (Kafka's {@code groupSegmentsBySize}). A run grows while, together, its segments
 * <ul>
 *   <li>hold at most {@code segment.bytes}: cleaning only removes bytes, so the merged segment
 *       is no larger than its sources and never larger than a segment the log would roll;</li>
 *   <li>need at most the index entries {@code segment.index.bytes} holds: a segment adds an
 *       entry per {@code index.interval.bytes} written, so {@code bytes / interval + 1} entries
 *       bound both indexes of the merged segment;</li>
 *   <li>span at most {@code Integer.MAX_VALUE} offsets from the first base offset, since index
 *       entries store offsets relative to the base as int32.</li>
 * </ul>
 * Sizes are the sources' current sizes, so segments that earlier passes shrank merge in a later
 * pass. Stateless.
 */
final class SegmentGroups {
    private SegmentGroups() {
    }

    /** The groups, oldest first, of the segments of {@code range} whose base is below {@code coveredEnd}. */
    static List<List<LogSegment>> bySize(List<LogSegment> range, long coveredEnd, TopicConfig cfg) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> group = null;
        long groupBytes = 0;
        for (LogSegment segment : range) {
            if (segment.baseOffset() >= coveredEnd) {
                break; // nothing mapped reaches it: rewriting would change nothing but horizons
            }
            if (group != null && fits(group.get(0), groupBytes + segment.sizeBytes(), segment, cfg)) {
                group.add(segment);
                groupBytes += segment.sizeBytes();
                continue;
            }
            group = new ArrayList<>();
            group.add(segment);
            groupBytes = segment.sizeBytes();
            groups.add(group);
        }
        return groups;
    }

    private static boolean fits(LogSegment first, long bytes, LogSegment last, TopicConfig cfg) {
        if (bytes > cfg.segmentBytes()) {
            return false;
        }
        long indexEntries = bytes / Math.max(1, cfg.indexIntervalBytes()) + 1;
        if (indexEntries > cfg.segmentIndexBytes() / OffsetIndex.ENTRY_SIZE
                || indexEntries > cfg.segmentIndexBytes() / TimeIndex.ENTRY_SIZE) {
            return false;
        }
        return last.nextOffset() - 1 - first.baseOffset() <= Integer.MAX_VALUE;
    }
}
