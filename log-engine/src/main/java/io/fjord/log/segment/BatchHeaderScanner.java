package io.fjord.log.segment;

import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks batch headers in a segment file through a small read-ahead buffer, so scanning the ~one
 * index interval (4 KiB) between a sparse index entry and the wanted batch costs one or two
 * {@code pread}s instead of one per batch.
 *
 * <p>Only bytes below the end the caller passes (a published segment size) are ever buffered;
 * those bytes never change, so nothing read here is stale. Not thread-safe: one per thread
 * ({@link #forThisThread()}), reset by {@link #begin} on every scan.
 */
final class BatchHeaderScanner {
    /** One index interval plus a header, rounded up: most scans need a single read. */
    static final int READ_AHEAD_BYTES = 8 * 1024;

    private static final ThreadLocal<BatchHeaderScanner> PER_THREAD = ThreadLocal.withInitial(BatchHeaderScanner::new);

    private final ByteBuffer chunk = ByteBuffer.allocateDirect(READ_AHEAD_BYTES);
    private final RecordBatch header = new RecordBatch();
    private FileChannel channel;
    private long endPosition;
    private long chunkStart;
    private int chunkLength;
    private long position;

    static BatchHeaderScanner forThisThread() {
        return PER_THREAD.get();
    }

    BatchHeaderScanner begin(FileChannel channel, long endPosition) {
        this.channel = channel;
        this.endPosition = endPosition;
        this.chunkStart = 0;
        this.chunkLength = 0;
        return this;
    }

    /**
     * The header of the batch starting at {@code position}, or null when fewer than a header's
     * bytes remain before the end. The flyweight is valid until the next call.
     */
    RecordBatch headerAt(long position) throws IOException {
        this.position = position;
        if (endPosition - position < RecordBatchDescriptor.HEADER_SIZE) {
            return null;
        }
        if (position < chunkStart || position + RecordBatchDescriptor.HEADER_SIZE > chunkStart + chunkLength) {
            fill(position);
        }
        return header.wrap(chunk, (int) (position - chunkStart));
    }

    /** File position of the header most recently returned by {@link #headerAt}. */
    long position() {
        return position;
    }

    /**
     * Scans forward from {@code startPosition} to the first batch whose last offset is at least
     * {@code targetOffset}; null if no published batch qualifies. See {@link #position()}.
     */
    RecordBatch seek(long startPosition, long targetOffset) throws IOException {
        long next = startPosition;
        RecordBatch header;
        while ((header = headerAt(next)) != null) {
            if (header.lastOffset() >= targetOffset) {
                return header;
            }
            next += header.sizeInBytes();
        }
        return null;
    }

    private void fill(long position) throws IOException {
        int wanted = (int) Math.min(READ_AHEAD_BYTES, endPosition - position);
        chunk.clear().limit(wanted);
        int read = 0;
        while (read < wanted) {
            int n = channel.read(chunk, position + read);
            if (n < 0) {
                throw new IOException("Segment file ended at " + (position + read) + " before its published size "
                        + endPosition);
            }
            read += n;
        }
        chunkStart = position;
        chunkLength = read;
    }
}
