package io.fjord.log.record;

import static io.fjord.log.record.RecordBatchDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one uncompressed v2 record batch (layout in {@link RecordBatchDescriptor}, record layout in
 * {@link RecordCursor}) into a growable heap buffer.
 *
 * <p>Records are encoded straight into place after a reserved 61-byte header; the header and CRC are written by
 * {@link #build()}, once the first timestamp, the maximum timestamp and the count are known. Record timestamps are
 * stored as deltas from the first record's timestamp, as Kafka does, so the first record always has delta 0.
 *
 * <p>The buffer is reused across {@link #reset()} (like Chronicle's write context) and only grows, doubling, up to
 * {@link #MAX_BATCH_BYTES}. Appending allocates only to encode header keys as UTF-8 and to grow; {@link #build()}
 * allocates the returned view.
 *
 * <p>Thread safety: not thread-safe; one builder per producing thread.
 */
public final class RecordBatchBuilder {
    /** Upper bound on a batch: batchLength is an int32, and arrays stop a little short of Integer.MAX_VALUE. */
    public static final int MAX_BATCH_BYTES = Integer.MAX_VALUE - 16;

    private static final RecordHeader[] NO_HEADERS = new RecordHeader[0];
    private static final byte[][] NO_HEADER_KEYS = new byte[0][];

    private final Crc32cCalculator crc32c = new Crc32cCalculator();

    private ByteBuffer buffer;
    /** Index where the next record will be written; records occupy [HEADER_SIZE, writeIndex). */
    private int writeIndex;
    private int recordCount;
    private long baseTimestamp;
    private long maxTimestamp;

    private long baseOffset;
    private long producerId;
    private short producerEpoch;
    private int baseSequence;
    private int partitionLeaderEpoch;
    private boolean transactional;

    public RecordBatchBuilder(int initialCapacityBytes) {
        if (initialCapacityBytes < 0) {
            throw new IllegalArgumentException("initialCapacityBytes " + initialCapacityBytes + " < 0");
        }
        buffer = ByteBuffer.allocate(Math.max(initialCapacityBytes, HEADER_SIZE)).order(ByteOrder.BIG_ENDIAN);
        reset();
    }

    /** Drops all records and restores the defaults: no producer, epochs/sequences -1, create time, baseOffset 0. */
    public RecordBatchBuilder reset() {
        writeIndex = HEADER_SIZE;
        recordCount = 0;
        baseTimestamp = NO_TIMESTAMP;
        maxTimestamp = NO_TIMESTAMP;
        baseOffset = 0;
        producerId = NO_PRODUCER_ID;
        producerEpoch = NO_PRODUCER_EPOCH;
        baseSequence = NO_SEQUENCE;
        partitionLeaderEpoch = NO_PARTITION_LEADER_EPOCH;
        transactional = false;
        return this;
    }

    /** Idempotent/transactional producer identity and the sequence of the first record. */
    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean value) {
        this.transactional = value;
        return this;
    }

    public RecordBatchBuilder baseOffset(long value) {
        this.baseOffset = value;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int value) {
        this.partitionLeaderEpoch = value;
        return this;
    }

    public RecordBatchBuilder append(long timestampMs, byte[] key, byte[] value) {
        return append(timestampMs, key, value, NO_HEADERS);
    }

    /** Appends a record; key, value and header values may be null, {@code headers} may be empty. */
    public RecordBatchBuilder append(long timestampMs, byte[] key, byte[] value, RecordHeader... headers) {
        RecordHeader[] hs = headers == null ? NO_HEADERS : headers;
        byte[][] headerKeys = encodeHeaderKeys(hs);
        int offsetDelta = recordCount;
        long timestampDelta = timestampDelta(timestampMs);

        int bodyBytes = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta)
            + sizeOfField(key == null ? -1 : key.length) + sizeOfField(value == null ? -1 : value.length)
            + headersSize(hs, headerKeys);
        int pos = beginRecord(bodyBytes, timestampDelta, offsetDelta);
        pos = writeField(pos, key);
        pos = writeField(pos, value);
        pos += Varints.writeVarint(buffer, pos, hs.length);
        for (int i = 0; i < hs.length; i++) {
            pos = writeField(pos, headerKeys[i]);
            pos = writeField(pos, hs[i].value());
        }
        return endRecord(pos, timestampMs);
    }

    /**
     * Appends a record whose key and value are the {@code remaining()} bytes of the given buffers (either may be
     * null). The buffers' positions are not changed.
     */
    public RecordBatchBuilder append(long timestampMs, ByteBuffer key, ByteBuffer value) {
        int offsetDelta = recordCount;
        long timestampDelta = timestampDelta(timestampMs);
        int bodyBytes = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta)
            + sizeOfField(key == null ? -1 : key.remaining()) + sizeOfField(value == null ? -1 : value.remaining())
            + Varints.sizeOfVarint(0);
        int pos = beginRecord(bodyBytes, timestampDelta, offsetDelta);
        pos = writeField(pos, key);
        pos = writeField(pos, value);
        pos += Varints.writeVarint(buffer, pos, 0);
        return endRecord(pos, timestampMs);
    }

    public int recordCount() {
        return recordCount;
    }

    /** Exact size the batch would have if built now: header plus the records appended so far. */
    public int estimatedSizeInBytes() {
        return writeIndex;
    }

    /**
     * Writes the header and CRC and returns a view of the batch: position 0, limit = batch size, big-endian.
     * The view shares the builder's memory, so it is valid only until the next {@link #reset()} or append.
     *
     * @throws IllegalStateException if no record was appended (Kafka producers never send empty batches)
     */
    public ByteBuffer build() {
        if (recordCount == 0) {
            throw new IllegalStateException("cannot build a record batch with no records");
        }
        ByteBuffer b = buffer;
        b.putLong(BASE_OFFSET_OFFSET, baseOffset);
        b.putInt(BATCH_LENGTH_OFFSET, writeIndex - LOG_OVERHEAD);
        b.putInt(PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        b.put(MAGIC_OFFSET, MAGIC_V2);
        b.putShort(ATTRIBUTES_OFFSET, (short) (transactional ? TRANSACTIONAL_FLAG_MASK : 0));
        b.putInt(LAST_OFFSET_DELTA_OFFSET, recordCount - 1);
        b.putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp);
        b.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
        b.putLong(PRODUCER_ID_OFFSET, producerId);
        b.putShort(PRODUCER_EPOCH_OFFSET, producerEpoch);
        b.putInt(BASE_SEQUENCE_OFFSET, baseSequence);
        b.putInt(RECORDS_COUNT_OFFSET, recordCount);
        long crc = crc32c.compute(b, ATTRIBUTES_OFFSET, writeIndex - ATTRIBUTES_OFFSET);
        b.putInt(CRC_OFFSET, (int) crc);
        return b.slice(0, writeIndex).order(ByteOrder.BIG_ENDIAN);
    }

    private long timestampDelta(long timestampMs) {
        // The first record fixes baseTimestamp, so its delta is 0 and later deltas are relative to it.
        return recordCount == 0 ? 0 : timestampMs - baseTimestamp;
    }

    /** Ensures room, writes the length varint, attributes, timestamp and offset deltas; returns the next index. */
    private int beginRecord(int bodyBytes, long timestampDelta, int offsetDelta) {
        if (recordCount == Integer.MAX_VALUE) {
            throw new IllegalStateException("batch already holds Integer.MAX_VALUE records");
        }
        ensureCapacity((long) writeIndex + Varints.sizeOfVarint(bodyBytes) + bodyBytes);
        int pos = writeIndex;
        pos += Varints.writeVarint(buffer, pos, bodyBytes);
        buffer.put(pos++, (byte) 0); // record attributes: unused by the v2 format, always 0
        pos += Varints.writeVarlong(buffer, pos, timestampDelta);
        pos += Varints.writeVarint(buffer, pos, offsetDelta);
        return pos;
    }

    private RecordBatchBuilder endRecord(int pos, long timestampMs) {
        if (recordCount == 0) {
            baseTimestamp = timestampMs;
            maxTimestamp = timestampMs;
        } else {
            maxTimestamp = Math.max(maxTimestamp, timestampMs);
        }
        writeIndex = pos;
        recordCount++;
        return this;
    }

    private static int sizeOfField(int length) {
        return Varints.sizeOfVarint(length) + Math.max(length, 0);
    }

    private static byte[][] encodeHeaderKeys(RecordHeader[] headers) {
        if (headers.length == 0) {
            return NO_HEADER_KEYS; // the common case allocates nothing
        }
        byte[][] keys = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            keys[i] = headers[i].key().getBytes(StandardCharsets.UTF_8);
        }
        return keys;
    }

    private static int headersSize(RecordHeader[] headers, byte[][] keys) {
        long size = Varints.sizeOfVarint(headers.length);
        for (int i = 0; i < headers.length; i++) {
            byte[] v = headers[i].value();
            size += sizeOfField(keys[i].length) + sizeOfField(v == null ? -1 : v.length);
        }
        if (size > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException("record headers of " + size + " bytes exceed " + MAX_BATCH_BYTES);
        }
        return (int) size;
    }

    private int writeField(int pos, byte[] bytes) {
        if (bytes == null) {
            return pos + Varints.writeVarint(buffer, pos, -1);
        }
        pos += Varints.writeVarint(buffer, pos, bytes.length);
        buffer.put(pos, bytes, 0, bytes.length);
        return pos + bytes.length;
    }

    private int writeField(int pos, ByteBuffer bytes) {
        if (bytes == null) {
            return pos + Varints.writeVarint(buffer, pos, -1);
        }
        int length = bytes.remaining();
        pos += Varints.writeVarint(buffer, pos, length);
        // Absolute bulk put (JDK 16+): copies without moving either buffer's position.
        buffer.put(pos, bytes, bytes.position(), length);
        return pos + length;
    }

    private void ensureCapacity(long requiredBytes) {
        if (requiredBytes <= buffer.capacity()) {
            return;
        }
        if (requiredBytes > MAX_BATCH_BYTES) {
            throw new IllegalStateException("record batch would grow to " + requiredBytes
                + " bytes, over the limit of " + MAX_BATCH_BYTES);
        }
        long doubled = Math.min((long) buffer.capacity() * 2, MAX_BATCH_BYTES);
        ByteBuffer grown = ByteBuffer.allocate((int) Math.max(doubled, requiredBytes)).order(ByteOrder.BIG_ENDIAN);
        grown.put(0, buffer, 0, writeIndex);
        buffer = grown;
    }
}
