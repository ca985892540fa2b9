package io.fjord.log.record;

import static io.fjord.log.record.RecordBatchDescriptor.*;

import java.nio.ByteBuffer;

/**
 * Flyweight over one v2 record batch inside a {@link ByteBuffer}; the layout is drawn in
 * {@link RecordBatchDescriptor}. Wrapping copies nothing and allocates nothing, so one instance can walk every batch
 * of a segment or a produce request.
 *
 * <p>All accesses are absolute and big-endian whatever {@link java.nio.ByteOrder} the buffer carries; the
 * buffer's position, limit and order are never changed. Getters do not check bounds beyond what
 * {@link ByteBuffer} does: call {@link #validate(int, int)} before trusting a batch from disk or the network.
 *
 * <p>Thread safety: not thread-safe. Owned by one thread (for example the partition writer) and reused by it.
 * Several threads may each wrap their own instance over the same read-only bytes.
 */
public final class RecordBatch {
    private final Crc32cCalculator crc32c = new Crc32cCalculator();
    private ByteBuffer buffer;
    private int offset;

    /** Points this flyweight at the batch that starts at absolute index {@code offset}; returns {@code this}. */
    public RecordBatch wrap(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /**
     * Size of the batch that starts at {@code offset} in {@code buffer}, {@code LOG_OVERHEAD + batchLength}, read from
     * the batchLength field only. Lets a scanner step from batch to batch without a flyweight.
     */
    public static int sizeInBytes(ByteBuffer buffer, int offset) {
        return LOG_OVERHEAD + BigEndian.getInt(buffer, offset + BATCH_LENGTH_OFFSET);
    }

    /** {@code LOG_OVERHEAD + batchLength}; meaningless (possibly negative) until {@link #validate} said VALID. */
    public int sizeInBytes() {
        return LOG_OVERHEAD + batchLength();
    }

    public long baseOffset() {
        return BigEndian.getLong(buffer, offset + BASE_OFFSET_OFFSET);
    }

    /** Patches the base offset in place; outside the CRC, so the batch stays valid. */
    public void baseOffset(long value) {
        BigEndian.putLong(buffer, offset + BASE_OFFSET_OFFSET, value);
    }

    public int batchLength() {
        return BigEndian.getInt(buffer, offset + BATCH_LENGTH_OFFSET);
    }

    public int partitionLeaderEpoch() {
        return BigEndian.getInt(buffer, offset + PARTITION_LEADER_EPOCH_OFFSET);
    }

    /** Patches the partition leader epoch in place; outside the CRC, so the batch stays valid. */
    public void partitionLeaderEpoch(int value) {
        BigEndian.putInt(buffer, offset + PARTITION_LEADER_EPOCH_OFFSET, value);
    }

    public byte magic() {
        return buffer.get(offset + MAGIC_OFFSET);
    }

    /** The stored CRC-32C as an unsigned 32-bit value. */
    public long crc() {
        return Integer.toUnsignedLong(BigEndian.getInt(buffer, offset + CRC_OFFSET));
    }

    public short attributes() {
        return BigEndian.getShort(buffer, offset + ATTRIBUTES_OFFSET);
    }

    /** Compression codec id, attributes bits 0-2: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
    public int compressionId() {
        return attributes() & COMPRESSION_CODEC_MASK;
    }

    public boolean isCompressed() {
        return compressionId() != COMPRESSION_NONE;
    }

    public boolean isLogAppendTime() {
        return (attributes() & TIMESTAMP_TYPE_MASK) != 0;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    public boolean isControl() {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    /** True when {@link #baseTimestamp()} holds the compaction delete horizon (attributes bit 6). */
    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    public int lastOffsetDelta() {
        return BigEndian.getInt(buffer, offset + LAST_OFFSET_DELTA_OFFSET);
    }

    /** {@code baseOffset + lastOffsetDelta}: the offset of the last record the batch was built with. */
    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /** {@code lastOffset + 1}: where the next batch of the log starts. */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    public long baseTimestamp() {
        return BigEndian.getLong(buffer, offset + BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return BigEndian.getLong(buffer, offset + MAX_TIMESTAMP_OFFSET);
    }

    /**
     * Writes maxTimestamp (used to stamp log-append time). The field is inside the CRC: the caller must call
     * {@link #updateCrc()} afterwards or the batch no longer validates.
     */
    public void maxTimestamp(long value) {
        BigEndian.putLong(buffer, offset + MAX_TIMESTAMP_OFFSET, value);
    }

    public long producerId() {
        return BigEndian.getLong(buffer, offset + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return BigEndian.getShort(buffer, offset + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return BigEndian.getInt(buffer, offset + BASE_SEQUENCE_OFFSET);
    }

    /**
     * Sequence of the last record, {@code baseSequence + lastOffsetDelta}, wrapping past {@link Integer#MAX_VALUE}
     * to 0 as producer sequences do (not to {@code Integer.MIN_VALUE}). {@code NO_SEQUENCE} stays {@code NO_SEQUENCE}.
     */
    public int lastSequence() {
        int base = baseSequence();
        if (base == NO_SEQUENCE) {
            return NO_SEQUENCE;
        }
        long last = (long) base + lastOffsetDelta();
        // Sequences live in [0, Integer.MAX_VALUE] and wrap to 0, the same rule producers use.
        return last > Integer.MAX_VALUE ? (int) (last - (1L << 31)) : (int) last;
    }

    public int recordsCount() {
        return BigEndian.getInt(buffer, offset + RECORDS_COUNT_OFFSET);
    }

    /** CRC-32C over {@code [offset + ATTRIBUTES_OFFSET, offset + sizeInBytes)}; allocation-free after warm-up. */
    public long computeCrc() {
        return crc32c.compute(buffer, offset + ATTRIBUTES_OFFSET, sizeInBytes() - ATTRIBUTES_OFFSET);
    }

    /** Stores {@link #computeCrc()} into the crc field, e.g. after {@link #maxTimestamp(long)}. */
    public void updateCrc() {
        BigEndian.putInt(buffer, offset + CRC_OFFSET, (int) computeCrc());
    }

    /**
     * Checks the batch header and CRC, cheapest first, and reports the first failure:
     * <ol>
     *   <li>{@code TRUNCATED} if fewer than {@code LOG_OVERHEAD} bytes are available;</li>
     *   <li>{@code INVALID_LENGTH} if {@code batchLength < HEADER_SIZE - LOG_OVERHEAD} or the batch is larger than
     *       {@code maxBatchBytes};</li>
     *   <li>{@code TRUNCATED} if fewer than {@code sizeInBytes} bytes are available (this covers a partial header
     *       too, since a legal size is at least {@code HEADER_SIZE});</li>
     *   <li>{@code INVALID_MAGIC}, then {@code INVALID_RECORD_COUNT}, then {@code INVALID_CRC}.</li>
     * </ol>
     * Records are not parsed; {@link RecordCursor} checks them as it walks.
     *
     * <p>Caution for reading Kafka-written logs: Kafka's log cleaner may keep a batch whose records were all
     * compacted away (recordsCount 0, lastOffsetDelta unchanged) to preserve producer state. The count rule here
     * reports such a batch as {@code INVALID_RECORD_COUNT}; recovery of a compacted Kafka log must allow for it. Never throws for any content of the
     * buffer: {@code availableBytes} is clamped to what the buffer really holds after {@code offset}.
     *
     * @param availableBytes bytes from {@code offset} that belong to the caller (segment end, request size)
     * @param maxBatchBytes  the largest batch accepted, e.g. {@code max.message.bytes}
     */
    public BatchValidation validate(int availableBytes, int maxBatchBytes) {
        return validate(availableBytes, maxBatchBytes, false);
    }

    /**
     * {@link #validate(int, int)} for a batch read back from a segment, where the log cleaner may
     * have removed records: {@code recordsCount} may be anything in {@code [0, lastOffsetDelta + 1]}
     * (Kafka's compacted batches keep their offset range and producer sequences). Producers never
     * send such batches, so the append path uses the strict rule.
     */
    public BatchValidation validateStored(int availableBytes, int maxBatchBytes) {
        return validate(availableBytes, maxBatchBytes, true);
    }

    private BatchValidation validate(int availableBytes, int maxBatchBytes, boolean allowCompacted) {
        int available = Math.min(availableBytes, buffer.limit() - offset);
        if (available < LOG_OVERHEAD) {
            return BatchValidation.TRUNCATED;
        }
        int batchLength = batchLength();
        // long: a corrupt batchLength near Integer.MAX_VALUE must not overflow into a small size.
        long sizeBytes = (long) LOG_OVERHEAD + batchLength;
        if (batchLength < MIN_BATCH_LENGTH || sizeBytes > maxBatchBytes) {
            return BatchValidation.INVALID_LENGTH;
        }
        if (available < sizeBytes) {
            return BatchValidation.TRUNCATED;
        }
        if (magic() != MAGIC_V2) {
            return BatchValidation.INVALID_MAGIC;
        }
        int recordsCount = recordsCount();
        long fullCount = (long) lastOffsetDelta() + 1;
        if (recordsCount < 0 || (allowCompacted ? recordsCount > fullCount || fullCount < 1 : fullCount != recordsCount)) {
            return BatchValidation.INVALID_RECORD_COUNT;
        }
        if (computeCrc() != crc()) {
            return BatchValidation.INVALID_CRC;
        }
        return BatchValidation.VALID;
    }
}
