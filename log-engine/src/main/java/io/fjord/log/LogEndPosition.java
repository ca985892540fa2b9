package io.fjord.log;

/**
 * Where a partition's log ends, as offset and bytes (Kafka's LogOffsetMetadata of the log end):
 * compared with an earlier one, it tells how many bytes were appended without reading anything.
 * Bytes between two positions are only comparable within one segment; a different
 * {@code segmentBaseOffset} means the log rolled (or was truncated or replaced) in between.
 *
 * @param offset            the log end offset (the next record's offset)
 * @param segmentBaseOffset base offset of the active segment
 * @param segmentBytes      published bytes of the active segment
 */
public record LogEndPosition(long offset, long segmentBaseOffset, long segmentBytes) {
    /** True if {@code later} is in the same segment as this one, so their bytes can be subtracted. */
    public boolean sameSegmentAs(LogEndPosition later) {
        return segmentBaseOffset == later.segmentBaseOffset;
    }
}
