package io.fjord.log.cleaner;

import io.fjord.log.record.BatchValidation;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.segment.LogSegment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Walks the batches of one inactive segment, oldest first, through a fixed read buffer: each
 * {@code pread} fills the buffer with as many whole batches as fit, so a segment costs about
 * {@code size / buffer} reads and never more heap than the buffer. A batch larger than the buffer
 * grows it, up to {@code maxBatchBytes} ({@code max.message.bytes}); a larger one fails the pass.
 *
 * <p>Every batch is validated (length, magic, CRC-32C, the stored record-count rule) before it is
 * handed out: the cleaner copies bytes into a new segment and must not launder corruption.
 *
 * <p>Not thread-safe: one per cleaner thread. The returned flyweight points into the buffer and
 * is valid until the next call.
 */
final class SegmentBatchReader {
    private ByteBuffer buffer;
    private final RecordBatch batch = new RecordBatch();
    private LogSegment segment;
    private int maxBatchBytes;
    private long endPosition;
    private long chunkStart;
    private int chunkLength;
    private long position;

    private final IoThrottler throttler;

    SegmentBatchReader(int bufferBytes, IoThrottler throttler) {
        this.throttler = throttler;
        this.buffer = ByteBuffer.allocate(Math.max(bufferBytes, RecordBatchDescriptor.HEADER_SIZE))
                .order(ByteOrder.BIG_ENDIAN);
    }

    SegmentBatchReader begin(LogSegment segment, int maxBatchBytes) {
        this.segment = segment;
        this.maxBatchBytes = maxBatchBytes;
        this.endPosition = segment.sizeBytes();
        this.chunkStart = 0;
        this.chunkLength = 0;
        this.position = 0;
        return this;
    }

    /** The next batch, or null at the end of the segment. */
    RecordBatch next() throws IOException {
        long remaining = endPosition - position;
        if (remaining == 0) {
            return null;
        }
        if (remaining < RecordBatchDescriptor.LOG_OVERHEAD) {
            throw new IOException(segment.logFile() + " ends in a torn batch header at " + position);
        }
        if (position + RecordBatchDescriptor.LOG_OVERHEAD > chunkStart + chunkLength) {
            fill(position);
        }
        int size = RecordBatch.sizeInBytes(buffer, (int) (position - chunkStart));
        if (size < RecordBatchDescriptor.HEADER_SIZE || size > remaining || size > maxBatchBytes) {
            throw new IOException(segment.logFile() + ": batch at " + position + " declares " + size
                    + " bytes (" + remaining + " left, max.message.bytes " + maxBatchBytes + ")");
        }
        if (position + size > chunkStart + chunkLength) {
            if (size > buffer.capacity()) {
                buffer = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
            }
            fill(position);
        }
        batch.wrap(buffer, (int) (position - chunkStart));
        BatchValidation validation = batch.validateStored(size, maxBatchBytes);
        if (!validation.isValid()) {
            throw new IOException(segment.logFile() + ": batch at " + position + " is " + validation);
        }
        position += size;
        return batch;
    }

    private void throttle(int bytes) throws IOException {
        try {
            throttler.acquire(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("cleaner stopped while throttled");
        }
    }

    private void fill(long from) throws IOException {
        int wanted = (int) Math.min(buffer.capacity(), endPosition - from);
        buffer.clear().limit(wanted);
        throttle(wanted);
        segment.readFully(buffer, from);
        chunkStart = from;
        chunkLength = wanted;
    }
}
