package io.fjord.log.record.compress;

import io.fjord.log.RecordTooLargeException;
import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.Varints;

import java.io.IOException;
import java.io.InputStream;

import static io.fjord.log.record.RecordBatchDescriptor.RECORDS_OFFSET;

/**
 * Walks the records of one compressed v2 batch as they decompress, without materialising the batch: the
 * codec's output passes through one reused window of {@link #WINDOW_BYTES}, keys, values and headers are
 * skipped as they pass, and only each record's small fields are kept. Memory stays bounded whatever a batch
 * holds or claims to hold, and a batch that is garbage is refused after the few bytes that show it (a gzip
 * bomb of zeros fails at its first record, not after inflating its 200 MB).
 *
 * <p>The record layout and its checks are {@link io.fjord.log.record.RecordCursor}'s: a record must fit its
 * declared length exactly, lengths are -1 (null) or more, a header key is never null, varints are at most 5
 * (int) or 10 (long) bytes. The records must also fill the decompressed stream exactly: fewer than
 * {@code recordsCount} or bytes after the last are {@link CorruptRecordException}, as in Kafka's reader.
 *
 * <p>Failures: {@link UndecodableRecordsException} when the codec cannot decode the bytes,
 * {@link CorruptRecordException} when it can but they are not {@code recordsCount} well-formed records,
 * {@link RecordTooLargeException} past {@code maxDecompressedBytes} decompressed bytes.
 *
 * <p>Allocation: nothing per record; per batch only what the codec's stream allocates when opened.
 * Not thread-safe: one per partition writer, reused through {@link #reset}; {@link #close()} after each batch
 * (zstd holds native memory until then).
 */
public final class CompressedRecordCursor implements AutoCloseable {
    /** Decompressed bytes taken from the codec per read; records larger than this stream through. */
    public static final int WINDOW_BYTES = 16 * 1024;
    /** A codec that keeps answering "0 bytes" is broken, not slow: the input is all in memory. */
    private static final int MAX_EMPTY_READS = 16;

    private final long maxDecompressedBytes;
    private final byte[] window = new byte[WINDOW_BYTES];
    private InputStream in;
    private String codecName;
    private int windowPosition;
    private int windowLimit;
    private long decompressedBytes;
    private boolean endOfStream;

    private long baseOffset;
    private long baseTimestamp;
    private boolean logAppendTime;
    private long maxTimestamp;
    private int recordsCount;
    private int recordsRead;
    /** Bytes of the current record's body not read yet; every body read is checked against it. */
    private int bodyRemaining;

    private byte attributes;
    private long timestampDelta;
    private int offsetDelta;
    private int keyLength;
    private int valueLength;
    private int headersCount;

    public CompressedRecordCursor(long maxDecompressedBytes) {
        if (maxDecompressedBytes <= 0) {
            throw new IllegalArgumentException("maxDecompressedBytes must be > 0: " + maxDecompressedBytes);
        }
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /**
     * Starts walking {@code batch}, a compressed batch whose header passed {@link RecordBatch#validate}, so its
     * size is in range. Opening the codec may already read (gzip, snappy and lz4 read their frame header).
     *
     * @throws UndecodableRecordsException if the codec id is not one of Kafka's or the frame header is bad
     */
    public CompressedRecordCursor reset(RecordBatch batch) {
        close();
        int codecId = batch.compressionId();
        CompressionCodec codec;
        try {
            codec = CompressionCodecs.of(codecId);
        } catch (IllegalArgumentException e) {
            throw new UndecodableRecordsException(e.getMessage(), e);
        }
        codecName = codec.name();
        baseOffset = batch.baseOffset();
        baseTimestamp = batch.baseTimestamp();
        logAppendTime = batch.isLogAppendTime();
        maxTimestamp = batch.maxTimestamp();
        recordsCount = batch.recordsCount();
        recordsRead = 0;
        windowPosition = 0;
        windowLimit = 0;
        decompressedBytes = 0;
        endOfStream = false;
        int start = batch.offset();
        int end = start + batch.sizeInBytes();
        if (codecId == RecordBatchDescriptor.COMPRESSION_SNAPPY) {
            String implausible = SnappyBounds.check(batch.buffer(), start + RECORDS_OFFSET, end);
            if (implausible != null) {
                throw undecodable(new IOException(implausible));
            }
        }
        InputStream compressed = new ByteBufferInputStream(batch.buffer(), start + RECORDS_OFFSET, end);
        try {
            in = codec.decompressing(compressed);
        } catch (IOException | RuntimeException e) {
            throw undecodable(e);
        }
        return this;
    }

    /**
     * Reads the next record's fields, skipping its key, value and headers.
     *
     * @return false once {@code recordsCount} records have been read (and nothing follows them)
     */
    public boolean next() {
        if (recordsRead == recordsCount) {
            return false;
        }
        int bodyLength = readLengthPrefix();
        if (bodyLength <= 0) {
            throw corrupt("record length " + bodyLength);
        }
        bodyRemaining = bodyLength;
        attributes = (byte) readBodyByte();
        timestampDelta = readBodyVarlong();
        offsetDelta = readBodyVarint();
        keyLength = readBodyVarint();
        skipBody(keyLength, "key");
        valueLength = readBodyVarint();
        skipBody(valueLength, "value");
        headersCount = readBodyVarint();
        // Each header takes at least two bytes (two length varints), which bounds the loop by the record.
        if (headersCount < 0 || headersCount > bodyRemaining / 2) {
            throw corrupt("headersCount " + headersCount + " with " + bodyRemaining + " bytes left in the record");
        }
        for (int i = 0; i < headersCount; i++) {
            int headerKeyLength = readBodyVarint();
            if (headerKeyLength < 0) {
                throw corrupt("negative header key length " + headerKeyLength);
            }
            skipBody(headerKeyLength, "header key");
            skipBody(readBodyVarint(), "header value");
        }
        if (bodyRemaining != 0) {
            throw corrupt("record declares " + bodyLength + " bytes but its fields use " + (bodyLength - bodyRemaining));
        }
        recordsRead++;
        if (recordsRead == recordsCount && readByte() >= 0) {
            throw corrupt("recordsCount " + recordsCount + " but more bytes follow the last record");
        }
        return true;
    }

    public int offsetDelta() {
        return offsetDelta;
    }

    public long timestampDelta() {
        return timestampDelta;
    }

    /** CreateTime batches: baseTimestamp + timestampDelta; LogAppendTime batches: the batch maxTimestamp. */
    public long timestamp() {
        return logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    }

    /** Absolute offset of the current record: baseOffset + offsetDelta. */
    public long offset() {
        return baseOffset + offsetDelta;
    }

    public byte attributes() {
        return attributes;
    }

    /** Key length in bytes; -1 for a null key. */
    public int keyLength() {
        return keyLength;
    }

    /** Value length in bytes; -1 for a null value. */
    public int valueLength() {
        return valueLength;
    }

    public int headersCount() {
        return headersCount;
    }

    /** Decompressed bytes read so far. */
    public long decompressedBytes() {
        return decompressedBytes;
    }

    /** Ends the codec's stream (zstd frees native memory); the cursor can be {@link #reset} again. */
    @Override
    public void close() {
        InputStream open = in;
        in = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException | RuntimeException ignored) {
                // Nothing was written; a codec that fails to release a stream over a heap buffer leaves nothing.
            }
        }
    }

    private int readLengthPrefix() {
        int first = readByte();
        if (first < 0) {
            throw corrupt("recordsCount " + recordsCount + " but the records end after " + recordsRead);
        }
        if ((first & 0x80) == 0) {
            return zigzag(first); // the common case for records under 64 bytes
        }
        int raw = first & 0x7F;
        for (int shift = 7; ; shift += 7) {
            if (shift >= 7 * Varints.MAX_VARINT_BYTES) {
                throw corrupt("record length varint longer than " + Varints.MAX_VARINT_BYTES + " bytes");
            }
            int b = readByte();
            if (b < 0) {
                throw corrupt("the stream ends inside a record length");
            }
            raw |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return zigzag(raw);
            }
        }
    }

    private int readBodyByte() {
        if (bodyRemaining == 0) {
            throw corrupt("a field runs past the record's declared length");
        }
        int b = readByte();
        if (b < 0) {
            throw corrupt("the stream ends inside a record");
        }
        bodyRemaining--;
        return b;
    }

    private int readBodyVarint() {
        int raw = 0;
        for (int shift = 0; shift < 7 * Varints.MAX_VARINT_BYTES; shift += 7) {
            int b = readBodyByte();
            raw |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return zigzag(raw);
            }
        }
        throw corrupt("varint longer than " + Varints.MAX_VARINT_BYTES + " bytes");
    }

    private long readBodyVarlong() {
        long raw = 0;
        for (int shift = 0; shift < 7 * Varints.MAX_VARLONG_BYTES; shift += 7) {
            int b = readBodyByte();
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw corrupt("varlong longer than " + Varints.MAX_VARLONG_BYTES + " bytes");
    }

    private static int zigzag(int raw) {
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Skips {@code length} body bytes (-1 and 0 skip nothing), decompressing them through the window. */
    private void skipBody(int length, String what) {
        if (length < -1) {
            throw corrupt("negative " + what + " length " + length);
        }
        if (length <= 0) {
            return;
        }
        if (length > bodyRemaining) {
            throw corrupt(what + " length " + length + " runs past the record end (" + bodyRemaining + " bytes left)");
        }
        bodyRemaining -= length;
        int left = length;
        while (left > 0) {
            int available = windowLimit - windowPosition;
            if (available == 0) {
                if (!fill()) {
                    throw corrupt("the stream ends inside a record's " + what);
                }
                continue;
            }
            int step = Math.min(available, left);
            windowPosition += step;
            left -= step;
        }
    }

    private int readByte() {
        if (windowPosition == windowLimit && !fill()) {
            return -1;
        }
        return window[windowPosition++] & 0xFF;
    }

    /** Refills the window from the codec; false at the end of the decompressed stream. */
    private boolean fill() {
        if (endOfStream) {
            return false;
        }
        int n = 0;
        try {
            for (int empty = 0; n == 0; empty++) {
                if (empty == MAX_EMPTY_READS) {
                    throw new IOException("the " + codecName + " stream returned no bytes " + MAX_EMPTY_READS
                            + " times in a row");
                }
                n = in.read(window, 0, window.length);
            }
        } catch (IOException | RuntimeException e) {
            throw undecodable(e);
        }
        if (n < 0) {
            endOfStream = true;
            windowPosition = 0;
            windowLimit = 0;
            return false;
        }
        decompressedBytes += n;
        if (decompressedBytes > maxDecompressedBytes) {
            throw new RecordTooLargeException("batch at baseOffset " + baseOffset + " (" + codecName
                    + ") decompresses to more than " + maxDecompressedBytes + " bytes (the limit on a decompressed batch)");
        }
        windowPosition = 0;
        windowLimit = n;
        return true;
    }

    private UndecodableRecordsException undecodable(Exception e) {
        return new UndecodableRecordsException("batch at baseOffset " + baseOffset + ": its " + codecName
                + " records do not decompress: " + e, e);
    }

    private CorruptRecordException corrupt(String detail) {
        return new CorruptRecordException(codecName + " batch at baseOffset " + baseOffset + ", record " + recordsRead
                + " (" + decompressedBytes + " bytes decompressed): " + detail);
    }
}
