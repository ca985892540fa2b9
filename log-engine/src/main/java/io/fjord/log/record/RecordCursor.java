package io.fjord.log.record;

import static io.fjord.log.record.RecordBatchDescriptor.RECORDS_OFFSET;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Walks the records of one uncompressed v2 batch in place, without allocating per record. Each record is:
 *
 * <pre>
 *  length          varint   bytes after this field
 *  attributes      int8     unused by Kafka today, kept for the future
 *  timestampDelta  varlong  from the batch baseTimestamp
 *  offsetDelta     varint   from the batch baseOffset
 *  keyLength       varint   -1 = null key
 *  key             bytes
 *  valueLength     varint   -1 = null value
 *  value           bytes
 *  headersCount    varint
 *  headers         headersCount times:
 *    keyLength     varint   never null
 *    key           bytes    UTF-8
 *    valueLength   varint   -1 = null value
 *    value         bytes
 * </pre>
 *
 * <p>Accessors return absolute indexes into {@link #buffer()} rather than slices, so reading a key is free and the
 * caller chooses whether to copy ({@link #keyBytes()} etc. do, for tests and convenience).
 *
 * <p>{@link #next()} checks the whole record, headers included, against its declared length and the batch end
 * before exposing it, so the accessors never see out-of-range indexes. The last record must end exactly at the
 * batch end; trailing bytes mean {@code recordsCount} lies, which Kafka treats as corruption too.
 *
 * <p>Thread safety: not thread-safe; owned by one thread and reused through {@link #reset(RecordBatch)}. It reads
 * the batch's buffer, which must not change while iterating.
 */
public final class RecordCursor {
    private ByteBuffer buffer;
    private int batchStart;
    private int batchEnd;
    private long baseOffset;
    private long baseTimestamp;
    private boolean logAppendTime;
    private long maxTimestamp;
    private int recordsCount;

    private int recordsRead;
    private int position;

    private int recordStart;
    private byte attributes;
    private long timestampDelta;
    private int offsetDelta;
    private int keyOffset;
    private int keyLength;
    private int valueOffset;
    private int valueLength;
    private int headersCount;
    private int headersStart;

    private int headersRead;
    private int headerPosition;
    private int headerKeyOffset;
    private int headerKeyLength;
    private int headerValueOffset;
    private int headerValueLength;

    /**
     * Starts iterating {@code batch}, whose header must already have passed {@link RecordBatch#validate}. Reads the
     * few header fields it needs once, so the flyweight may be re-wrapped during iteration.
     *
     * @throws UnsupportedOperationException if the batch is compressed
     * @throws CorruptRecordException        if the batch extends past the buffer limit or its count is negative
     */
    public RecordCursor reset(RecordBatch batch) {
        int codec = batch.compressionId();
        if (codec != RecordBatchDescriptor.COMPRESSION_NONE) {
            throw new UnsupportedOperationException("compressed batches (codec " + codec + " "
                + RecordBatchDescriptor.compressionName(codec) + ") cannot be iterated yet");
        }
        ByteBuffer buf = batch.buffer();
        int start = batch.offset();
        long end = (long) start + batch.sizeInBytes();
        if (end > buf.limit() || end < (long) start + RECORDS_OFFSET) {
            throw new CorruptRecordException("batch at index " + start + " declares end " + end
                + " outside [" + (start + RECORDS_OFFSET) + ", buffer limit " + buf.limit() + "]");
        }
        int count = batch.recordsCount();
        if (count < 0) {
            throw new CorruptRecordException("batch at index " + start + " has negative recordsCount " + count);
        }
        this.buffer = buf;
        this.batchStart = start;
        this.batchEnd = (int) end;
        this.baseOffset = batch.baseOffset();
        this.baseTimestamp = batch.baseTimestamp();
        this.logAppendTime = batch.isLogAppendTime();
        this.maxTimestamp = batch.maxTimestamp();
        this.recordsCount = count;
        this.recordsRead = 0;
        this.position = start + RECORDS_OFFSET;
        this.headersCount = 0;
        this.headersRead = 0;
        return this;
    }

    /**
     * Moves to the next record.
     *
     * @return false once {@code recordsCount} records have been read
     * @throws CorruptRecordException if the record does not fit its declared length or the batch, a length is
     *                                negative (other than -1 for a null key or value), or the count is wrong
     */
    public boolean next() {
        if (recordsRead == recordsCount) {
            return false;
        }
        int pos = position;
        recordStart = pos;
        if (pos >= batchEnd) {
            throw corrupt("recordsCount " + recordsCount + " but the batch ends after " + recordsRead + " records");
        }
        long packed = Varints.readVarintAndLength(buffer, pos, batchEnd);
        int bodyLength = (int) packed;
        pos += (int) (packed >>> 32);
        if (bodyLength <= 0 || bodyLength > batchEnd - pos) {
            throw corrupt("record length " + bodyLength + " does not fit the " + (batchEnd - pos)
                + " bytes left in the batch");
        }
        int recordEnd = pos + bodyLength;

        attributes = buffer.get(pos++);
        timestampDelta = Varints.readVarlong(buffer, pos, recordEnd);
        pos += Varints.lengthOfVarlong(buffer, pos, recordEnd);
        packed = Varints.readVarintAndLength(buffer, pos, recordEnd);
        offsetDelta = (int) packed;
        pos += (int) (packed >>> 32);

        packed = Varints.readVarintAndLength(buffer, pos, recordEnd);
        keyLength = (int) packed;
        pos += (int) (packed >>> 32);
        keyOffset = pos;
        pos = skipBytes(pos, keyLength, recordEnd, "key");

        packed = Varints.readVarintAndLength(buffer, pos, recordEnd);
        valueLength = (int) packed;
        pos += (int) (packed >>> 32);
        valueOffset = pos;
        pos = skipBytes(pos, valueLength, recordEnd, "value");

        packed = Varints.readVarintAndLength(buffer, pos, recordEnd);
        int count = (int) packed;
        pos += (int) (packed >>> 32);
        if (count < 0) {
            throw corrupt("negative headersCount " + count);
        }
        headersStart = pos;
        // Walk the headers now so a record is either fully in range or rejected before anyone reads it.
        for (int i = 0; i < count; i++) {
            pos = skipHeader(pos, recordEnd);
        }
        if (pos != recordEnd) {
            throw corrupt("record declares " + bodyLength + " bytes but its fields use " + (pos - (recordEnd - bodyLength)));
        }

        headersCount = count;
        headersRead = 0;
        headerPosition = headersStart;
        position = recordEnd;
        recordsRead++;
        if (recordsRead == recordsCount && position != batchEnd) {
            throw corrupt("recordsCount " + recordsCount + " records end at index " + position
                + " but the batch ends at " + batchEnd);
        }
        return true;
    }

    /** Moves to the next header of the current record; false after the last. */
    public boolean nextHeader() {
        if (headersRead == headersCount) {
            return false;
        }
        // Bounds were proven by next(); these reads cannot fail for a buffer that did not change.
        int pos = headerPosition;
        headerKeyLength = Varints.readVarint(buffer, pos, batchEnd);
        pos += Varints.lengthOfVarint(buffer, pos, batchEnd);
        headerKeyOffset = pos;
        pos += headerKeyLength;
        headerValueLength = Varints.readVarint(buffer, pos, batchEnd);
        pos += Varints.lengthOfVarint(buffer, pos, batchEnd);
        headerValueOffset = pos;
        if (headerValueLength > 0) {
            pos += headerValueLength;
        }
        headerPosition = pos;
        headersRead++;
        return true;
    }

    /** Absolute offset of the current record: baseOffset + offsetDelta. */
    public long offset() {
        return baseOffset + offsetDelta;
    }

    /** CreateTime batches: baseTimestamp + timestampDelta; LogAppendTime batches: the batch maxTimestamp. */
    public long timestamp() {
        return logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    }

    public int offsetDelta() {
        return offsetDelta;
    }

    public byte attributes() {
        return attributes;
    }

    /** The buffer every index below points into. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Absolute index of the current record's length varint; with {@link #recordSizeInBytes()} spans the record. */
    public int recordOffset() {
        return recordStart;
    }

    /** Size of the current record including its length varint. */
    public int recordSizeInBytes() {
        return position - recordStart;
    }

    public int keyOffset() {
        return keyOffset;
    }

    /** Key length in bytes; -1 for a null key. */
    public int keyLength() {
        return keyLength;
    }

    public int valueOffset() {
        return valueOffset;
    }

    /** Value length in bytes; -1 for a null value. */
    public int valueLength() {
        return valueLength;
    }

    /** Copy of the key, or null. Allocates. */
    public byte[] keyBytes() {
        return copy(keyOffset, keyLength);
    }

    /** Copy of the value, or null. Allocates. */
    public byte[] valueBytes() {
        return copy(valueOffset, valueLength);
    }

    public int headersCount() {
        return headersCount;
    }

    public int headerKeyOffset() {
        return headerKeyOffset;
    }

    public int headerKeyLength() {
        return headerKeyLength;
    }

    public int headerValueOffset() {
        return headerValueOffset;
    }

    /** Header value length in bytes; -1 for a null value. */
    public int headerValueLength() {
        return headerValueLength;
    }

    /** The current header's key decoded as UTF-8. Allocates. */
    public String headerKey() {
        return new String(copy(headerKeyOffset, headerKeyLength), StandardCharsets.UTF_8);
    }

    /** Copy of the current header's value, or null. Allocates. */
    public byte[] headerValue() {
        return copy(headerValueOffset, headerValueLength);
    }

    private int skipBytes(int pos, int length, int recordEnd, String what) {
        if (length < -1) {
            throw corrupt("negative " + what + " length " + length);
        }
        if (length > recordEnd - pos) {
            throw corrupt(what + " length " + length + " runs past the record end at index " + recordEnd);
        }
        return length > 0 ? pos + length : pos;
    }

    private int skipHeader(int pos, int recordEnd) {
        long packed = Varints.readVarintAndLength(buffer, pos, recordEnd);
        int keyLen = (int) packed;
        pos += (int) (packed >>> 32);
        if (keyLen < 0) {
            throw corrupt("negative header key length " + keyLen);
        }
        pos = skipBytes(pos, keyLen, recordEnd, "header key");
        packed = Varints.readVarintAndLength(buffer, pos, recordEnd);
        int valueLen = (int) packed;
        pos += (int) (packed >>> 32);
        return skipBytes(pos, valueLen, recordEnd, "header value");
    }

    private byte[] copy(int index, int length) {
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(index, bytes, 0, length);
        return bytes;
    }

    private CorruptRecordException corrupt(String detail) {
        return new CorruptRecordException("batch at index " + batchStart + " (baseOffset " + baseOffset
            + "), record " + recordsRead + " at index " + recordStart + ": " + detail);
    }
}
