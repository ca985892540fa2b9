package io.fjord.log.partition;

/**
 * What one {@link PartitionLog#append} did (the role of Kafka's {@code LogAppendInfo}): the
 * offsets its batches hold, how many bytes went to the log, and whether they were written now or
 * are a producer's retry of batches already in the log, answered with their original offsets and
 * not written again.
 *
 * <p>Not thread-safe, and reused: each log's writer gets the same instance back from every append
 * (a flyweight, as the append path's {@code RecordBatch} is), so its values hold until that
 * writer's next append to the log; copy out what you keep. Why reused: measured with JMH
 * {@code -prof gc} (RawLogAppendBenchmark.append_1PerBatch), {@code PartitionLog.append} allocates
 * nothing (0.3 B/op) and a new immutable result per append made that 41 B/op, a third more on
 * top of the ~120 B/op of a whole append through the writer queue (PartitionAppendBenchmark),
 * on a path whose other per-append objects are being removed (issue 12).
 */
public final class AppendResult {
    private long baseOffset = -1;
    private long lastOffset = -1;
    private int appendedBytes;
    private boolean duplicate;

    AppendResult() {
    }

    /** Batches written now at {@code [baseOffset, lastOffset]}, {@code appendedBytes} long. */
    AppendResult appended(long baseOffset, long lastOffset, int appendedBytes) {
        return set(baseOffset, lastOffset, appendedBytes, false);
    }

    /** A retry of batches already in the log at {@code [baseOffset, lastOffset]}: nothing written. */
    AppendResult duplicateOf(long baseOffset, long lastOffset) {
        return set(baseOffset, lastOffset, 0, true);
    }

    private AppendResult set(long baseOffset, long lastOffset, int appendedBytes, boolean duplicate) {
        assert baseOffset >= 0 && lastOffset >= baseOffset && appendedBytes >= 0 && (appendedBytes > 0) != duplicate
                : "inconsistent append result: base " + baseOffset + ", last " + lastOffset + ", " + appendedBytes
                + " bytes, duplicate " + duplicate;
        this.baseOffset = baseOffset;
        this.lastOffset = lastOffset;
        this.appendedBytes = appendedBytes;
        this.duplicate = duplicate;
        return this;
    }

    /** The first offset of the appended (or duplicated) batches. */
    public long baseOffset() {
        return baseOffset;
    }

    /** Their last offset. */
    public long lastOffset() {
        return lastOffset;
    }

    /** Bytes written to the log (after any recompression); 0 for a duplicate. */
    public int appendedBytes() {
        return appendedBytes;
    }

    /** A retry of batches already in the log: nothing was written, the offsets are the original ones. */
    public boolean duplicate() {
        return duplicate;
    }

    /** How many offsets the batches span: their record count unless the cleaner compacted them. */
    public long offsetCount() {
        return lastOffset - baseOffset + 1;
    }

    @Override
    public String toString() {
        return "AppendResult(base=" + baseOffset + ", last=" + lastOffset + ", bytes=" + appendedBytes
                + (duplicate ? ", duplicate)" : ")");
    }
}
