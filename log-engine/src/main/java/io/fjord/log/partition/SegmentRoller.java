package io.fjord.log.partition;

import io.fjord.log.TopicConfig;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;

/**
 * Decides when a partition's active segment is full or old enough ({@code segment.bytes},
 * {@code segment.ms} less its jitter, full indexes, an offset its index cannot hold) and rolls to
 * a new one. Writer thread only: a roll is part of an append.
 */
final class SegmentRoller {
    private final PartitionState state;

    SegmentRoller(PartitionState state) {
        this.state = state;
    }

    /**
     * The segment to write an append of {@code appendBytes} with offsets
     * {@code [firstOffset, lastOffset]} to: the active one, or a new one based at
     * {@code firstOffset} when a roll is due.
     */
    LogSegment maybeRoll(int appendBytes, long firstOffset, long lastOffset, TopicConfig cfg) throws IOException {
        LogSegments segments = state.segments;
        LogSegment segment = segments.active();
        long nowMs = state.clock.nowMs();
        boolean roll = !segment.isEmpty()
                && (segment.sizeBytes() > cfg.segmentBytes() - appendBytes
                || nowMs - segment.createdMs() > cfg.segmentMs() - rollJitterMs(segment, cfg)
                || segment.indexesFull()
                || !segment.canHoldOffset(lastOffset));
        if (!roll) {
            return segment;
        }
        // Create the new segment first: if that fails the old one must stay active and untrimmed.
        LogSegment next = LogSegment.create(state.dir, firstOffset, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(),
                state.io, nowMs);
        state.dirSyncPending = true; // before the append that publishes offsets in it, which a flush reads first
        segments.put(next);
        segments.activate(next);
        segment.onBecomeInactive();
        return next;
    }

    /**
     * How much earlier than {@code segment.ms} this segment rolls ({@code segment.jitter.ms}): a
     * share in {@code [0, min(jitter, segment.ms))} derived from the partition and the segment's
     * base offset, so partitions created together spread their rolls and a restart keeps the share.
     */
    private long rollJitterMs(LogSegment segment, TopicConfig cfg) {
        long bound = Math.min(cfg.segmentJitterMs(), cfg.segmentMs());
        if (bound <= 0) {
            return 0;
        }
        long mixed = (state.topicPartition.hashCode() * 0x9E3779B97F4A7C15L)
                ^ (segment.baseOffset() * 0xC2B2AE3D27D4EB4FL);
        mixed ^= mixed >>> 31;
        return Math.floorMod(mixed, bound);
    }
}
