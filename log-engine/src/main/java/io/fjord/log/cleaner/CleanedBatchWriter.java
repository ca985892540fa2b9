package io.fjord.log.cleaner;

import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordCursor;
import io.fjord.log.record.Varints;
import io.fjord.log.record.compress.CompressionCodecs;
import io.fjord.log.record.compress.ExposedByteArrayOutputStream;
import io.fjord.log.record.compress.RecordsCompressor;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.fjord.log.record.RecordBatchDescriptor.*;

/**
 * Writes the batches of a cleaned segment through a fixed write buffer, flushed to the segment
 * (which indexes them) whenever the next batch might not fit.
 *
 * <p>A batch is either {@link #copyWhole copied} byte for byte (every record survives and nothing
 * in its header changes) or rebuilt, Kafka's way, by {@link #begin}, {@link #retain} per
 * surviving record and {@link #finish}: the header is the source's, so the batch keeps its base
 * offset, {@code lastOffsetDelta} (hence its offset range and, for an idempotent producer, its
 * last sequence), producer id/epoch and base sequence; only {@code recordsCount}, the length,
 * the attributes and the CRC change. Surviving records keep their offset deltas, so every record
 * keeps its offset, and the batch may end up with gaps or with no records at all (kept for a
 * producer's last batch). {@code maxTimestamp} is kept too: retention and the time index then
 * judge the segment as before cleaning.
 *
 * <p>Delete horizon: when a rebuilt batch holding a tombstone gets its horizon (Kafka 3.x's
 * attributes bit 6), {@code baseTimestamp} becomes the horizon and each record's timestamp delta
 * is re-encoded against it, so {@code baseTimestamp + delta} still gives every record's own
 * timestamp:
 * <pre>
 *   record:  length varint | attributes int8 | timestampDelta varlong (re-encoded) |
 *            offsetDelta varint | key, value, headers (copied as they were)
 * </pre>
 *
 * <p>Compressed batches: the pass hands {@link #begin} the batch's uncompressed view
 * ({@link io.fjord.log.record.compress.BatchDecompressor}) and its codec. The surviving records
 * are rebuilt uncompressed in a scratch buffer, then compressed again with the same codec into
 * the write buffer behind the header, as Kafka's cleaner does. A batch left with no records is
 * written as an empty uncompressed header, as Kafka writes one (there is nothing to compress).
 *
 * <p>Not thread-safe: one per cleaner thread.
 */
final class CleanedBatchWriter {
    /** For {@link #begin(RecordBatch, long)}: the batch keeps its base timestamp (no new horizon). */
    static final long KEEP_TIMESTAMPS = Long.MIN_VALUE;

    private final RecordBatch built = new RecordBatch();
    private final RecordsCompressor compressor = new RecordsCompressor();
    private ByteBuffer buffer;
    private LogSegment target;
    private int writeIndex;
    /** Uncompressed records of a compressed batch being rebuilt; grows to the largest such batch. */
    private ByteBuffer scratch = ByteBuffer.allocate(0);

    // The batch being rebuilt, in out (the write buffer, or scratch for a compressed batch).
    private ByteBuffer out;
    private int outIndex;
    private int codecId;
    private int batchStart;
    private int retained;
    private boolean rebaseTimestamps;
    private long baseTimestampMs;
    private short attributes;

    private final IoThrottler throttler;

    CleanedBatchWriter(int bufferBytes, IoThrottler throttler) {
        this.throttler = throttler;
        this.buffer = ByteBuffer.allocate(Math.max(bufferBytes, HEADER_SIZE)).order(ByteOrder.BIG_ENDIAN);
    }

    /** Directs the following batches to {@code target} (a segment no one else writes). */
    void startSegment(LogSegment target) {
        this.target = target;
        this.writeIndex = 0;
    }

    /** Appends {@code source} unchanged. */
    void copyWhole(RecordBatch source) throws IOException {
        int size = source.sizeInBytes();
        ensureRoom(size);
        buffer.put(writeIndex, source.buffer(), source.offset(), size);
        writeIndex += size;
    }

    /**
     * Starts rebuilding {@code source}, an uncompressed batch or the uncompressed view of a
     * compressed one whose codec is {@code codecId} ({@code COMPRESSION_NONE} otherwise).
     * {@code deleteHorizonMs}: the horizon to stamp (the batch has none yet and holds a tombstone
     * that survives), or {@link #KEEP_TIMESTAMPS}.
     */
    void begin(RecordBatch source, long deleteHorizonMs, int codecId) throws IOException {
        // A re-encoded timestamp delta grows by at most MAX_VARLONG_BYTES - 1 bytes (and the
        // record's length varint by at most one byte more) per record. The reservation is the
        // only way the write buffer outgrows its configured size.
        long worstCase = source.sizeInBytes() + (long) source.recordsCount() * Varints.MAX_VARLONG_BYTES;
        int reserved = (int) Math.min(worstCase, Integer.MAX_VALUE - 16);
        this.codecId = codecId;
        if (codecId == COMPRESSION_NONE) {
            ensureRoom(reserved);
            out = buffer;
            batchStart = writeIndex;
        } else {
            if (scratch.capacity() < reserved) {
                scratch = ByteBuffer.allocate(reserved).order(ByteOrder.BIG_ENDIAN);
            }
            out = scratch;
            batchStart = 0;
        }
        out.put(batchStart, source.buffer(), source.offset(), HEADER_SIZE);
        outIndex = batchStart + HEADER_SIZE;
        retained = 0;
        attributes = (short) ((source.attributes() & ~COMPRESSION_CODEC_MASK) | codecId);
        rebaseTimestamps = deleteHorizonMs != KEEP_TIMESTAMPS && !source.isLogAppendTime();
        baseTimestampMs = source.baseTimestamp();
        if (deleteHorizonMs != KEEP_TIMESTAMPS) {
            attributes |= DELETE_HORIZON_FLAG_MASK;
            baseTimestampMs = deleteHorizonMs;
        }
    }

    /** Appends the cursor's current record to the batch being rebuilt. */
    void retain(RecordCursor cursor) {
        ByteBuffer from = cursor.buffer();
        if (!rebaseTimestamps) {
            int size = cursor.recordSizeInBytes();
            checkRoom(size);
            out.put(outIndex, from, cursor.recordOffset(), size);
            outIndex += size;
        } else {
            long timestampDelta = cursor.timestamp() - baseTimestampMs;
            int tailStart = cursor.keyOffset() - Varints.sizeOfVarint(cursor.keyLength());
            int tailLength = cursor.recordOffset() + cursor.recordSizeInBytes() - tailStart;
            int body = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(cursor.offsetDelta())
                    + tailLength;
            checkRoom(Varints.sizeOfVarint(body) + body);
            int pos = outIndex;
            pos += Varints.writeVarint(out, pos, body);
            out.put(pos++, cursor.attributes());
            pos += Varints.writeVarlong(out, pos, timestampDelta);
            pos += Varints.writeVarint(out, pos, cursor.offsetDelta());
            out.put(pos, from, tailStart, tailLength);
            outIndex = pos + tailLength;
        }
        retained++;
    }

    /**
     * Completes the rebuilt batch: for a compressed one, compresses the records behind the header
     * in the write buffer; then count, length, attributes, base timestamp, CRC.
     */
    void finish() throws IOException {
        if (codecId == COMPRESSION_NONE) {
            writeIndex = outIndex;
            seal(batchStart, writeIndex);
            return;
        }
        if (retained == 0) {
            attributes &= ~COMPRESSION_CODEC_MASK;
            ensureRoom(HEADER_SIZE);
            buffer.put(writeIndex, scratch, 0, HEADER_SIZE);
            seal(writeIndex, writeIndex + HEADER_SIZE);
            writeIndex += HEADER_SIZE;
            return;
        }
        ExposedByteArrayOutputStream compressed = compressor.compress(CompressionCodecs.of(codecId), scratch,
                HEADER_SIZE, outIndex);
        int size = HEADER_SIZE + compressed.size();
        ensureRoom(size);
        buffer.put(writeIndex, scratch, 0, HEADER_SIZE);
        buffer.put(writeIndex + HEADER_SIZE, compressed.array(), 0, compressed.size());
        seal(writeIndex, writeIndex + size);
        writeIndex += size;
    }

    private void seal(int start, int end) {
        buffer.putInt(start + BATCH_LENGTH_OFFSET, end - start - LOG_OVERHEAD);
        buffer.putShort(start + ATTRIBUTES_OFFSET, attributes);
        buffer.putLong(start + BASE_TIMESTAMP_OFFSET, baseTimestampMs);
        buffer.putInt(start + RECORDS_COUNT_OFFSET, retained);
        built.wrap(buffer, start).updateCrc();
    }

    /** Writes everything buffered to the target segment. */
    void flush() throws IOException {
        if (writeIndex == 0) {
            return;
        }
        try {
            throttler.acquire(writeIndex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("cleaner stopped while throttled");
        }
        target.append(buffer.duplicate().position(0).limit(writeIndex).order(ByteOrder.BIG_ENDIAN));
        writeIndex = 0;
    }

    private void ensureRoom(int bytes) throws IOException {
        if (buffer.capacity() - writeIndex >= bytes) {
            return;
        }
        flush();
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocate(bytes).order(ByteOrder.BIG_ENDIAN);
        }
    }

    private void checkRoom(int bytes) {
        if (out.capacity() - outIndex < bytes) {
            // begin() reserved the worst case for the whole batch; reaching this is a bug.
            throw new IllegalStateException("cleaned batch outgrew its reservation");
        }
    }
}
