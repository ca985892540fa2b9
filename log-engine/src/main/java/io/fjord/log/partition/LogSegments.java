package io.fjord.log.partition;

import io.fjord.log.TopicPartition;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one partition's log by base offset, oldest first, and the active (last) one
 * that takes appends. A plain data structure: which segment is added or removed when is decided
 * by its users (the loader, the roller, retention, the cleaner's swap).
 *
 * <p>Thread safety: lookups are lock-free from any thread (a concurrent skip list, and the active
 * segment behind a volatile). Only the writer adds a segment at the end (a roll); removals and
 * replacements of older segments are serialised by their callers under
 * {@link PartitionState#startOffsetLock}.
 */
final class LogSegments {
    private static final System.Logger LOG = System.getLogger(LogSegments.class.getName());

    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private volatile LogSegment activeSegment;

    /** The segment taking appends. */
    LogSegment active() {
        return activeSegment;
    }

    /** Makes {@code segment}, already {@link #put}, the one taking appends. */
    void activate(LogSegment segment) {
        activeSegment = segment;
    }

    /** Adds {@code segment} under its base offset, replacing any segment there. */
    void put(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    /** The segment at exactly {@code baseOffset}, or null. */
    LogSegment get(long baseOffset) {
        return segments.get(baseOffset);
    }

    /** Removes {@code segment} if it is still the one under its base offset. */
    void remove(LogSegment segment) {
        segments.remove(segment.baseOffset(), segment);
    }

    /** The segment that may hold {@code offset} (the last one based at or below it), or null. */
    Map.Entry<Long, LogSegment> floorEntry(long offset) {
        return segments.floorEntry(offset);
    }

    /** The segment after the one based at {@code baseOffset}, or null. */
    Map.Entry<Long, LogSegment> higherEntry(long baseOffset) {
        return segments.higherEntry(baseOffset);
    }

    Long floorKey(long offset) {
        return segments.floorKey(offset);
    }

    Long higherKey(long baseOffset) {
        return segments.higherKey(baseOffset);
    }

    /** A live view, oldest first, of the segments from the one based at or after {@code baseOffset}. */
    Collection<LogSegment> from(long baseOffset) {
        return segments.tailMap(baseOffset, true).values();
    }

    /** A live view of every segment, oldest first (weakly consistent under concurrent change). */
    Collection<LogSegment> all() {
        return segments.values();
    }

    /** A snapshot of the segments, oldest first. */
    List<LogSegment> snapshot() {
        return new ArrayList<>(segments.values());
    }

    LogSegment last() {
        return segments.lastEntry().getValue();
    }

    long firstBaseOffset() {
        return segments.firstKey();
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int size() {
        return segments.size();
    }

    /** Forgets every segment (their files are the caller's business). */
    void clear() {
        segments.clear();
    }

    long sizeBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.sizeBytes();
        }
        return total;
    }

    /** Closes every segment, trimming the indexes; throws the last failure after trying them all. */
    void closeAll() throws IOException {
        IOException failure = null;
        for (LogSegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes every segment, logging failures: after a failed open. */
    void closeAllQuietly(TopicPartition topicPartition) {
        for (LogSegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: closing {1} failed: {2}", topicPartition, segment, e);
            }
        }
    }

    /** Closes and deletes the files of every segment, and forgets them. */
    void closeAndDeleteAll() throws IOException {
        for (LogSegment segment : segments.values()) {
            segment.closeAndDelete();
        }
        segments.clear();
    }
}
