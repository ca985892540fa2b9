package io.fjord.log.partition;

/**
 * What one {@link PartitionLog#append} did (the role of Kafka's {@code LogAppendInfo}): the
 * offsets its batches hold, and whether they were written now or are a producer's retry of
 * batches already in the log, which are answered with their original offsets and not written
 * again.
 *
 * <p>Immutable, one per append. The append path already allocates per append (the queued
 * request, its queue node, the caller's completion); this adds 32 bytes next to those, while a
 * reused writer-owned instance would have to be copied out before the next append anyway.
 *
 * @param baseOffset    the first offset of the appended (or duplicated) batches
 * @param lastOffset    their last offset
 * @param appendedBytes bytes written to the log (after any recompression); 0 for a duplicate
 * @param duplicate     a retry of batches already in the log: nothing was written
 */
public record AppendResult(long baseOffset, long lastOffset, int appendedBytes, boolean duplicate) {
    public AppendResult {
        if (baseOffset < 0 || lastOffset < baseOffset || appendedBytes < 0 || (duplicate && appendedBytes != 0)) {
            throw new IllegalArgumentException("inconsistent append result: base " + baseOffset + ", last "
                    + lastOffset + ", " + appendedBytes + " bytes, duplicate " + duplicate);
        }
    }

    static AppendResult appended(long baseOffset, long lastOffset, int appendedBytes) {
        return new AppendResult(baseOffset, lastOffset, appendedBytes, false);
    }

    static AppendResult duplicateOf(long baseOffset, long lastOffset) {
        return new AppendResult(baseOffset, lastOffset, 0, true);
    }

    /** How many offsets the batches span: their record count unless the cleaner compacted them. */
    public long offsetCount() {
        return lastOffset - baseOffset + 1;
    }
}
