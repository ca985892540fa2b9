package io.fjord.log;

import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordCursor;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a partition sequentially from an offset, handing each record to a {@link RecordHandler}
 * through a flyweight cursor: no object per record. Control batches (transaction markers) are
 * skipped. Compressed batches are not iterated yet: {@link #poll} throws
 * {@link UnsupportedOperationException} on one (the bytes themselves are served by
 * {@link Partition#read}).
 *
 * <p>Not thread-safe: one reader per consuming thread.
 */
public final class LogReader implements AutoCloseable {
    /** Bytes fetched per poll unless a single batch is larger. */
    public static final int DEFAULT_FETCH_BYTES = 1024 * 1024;
    /** Readers start small and grow to what their fetches need; many readers may be open. */
    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private final Partition partition;
    private final int fetchBytes;
    private final RecordBatch batch = new RecordBatch();
    private final RecordCursor cursor = new RecordCursor();
    private ByteBuffer buffer;
    private long nextOffset;
    private boolean closed;

    LogReader(Partition partition, long offset, int fetchBytes) {
        this.partition = partition;
        this.nextOffset = offset;
        this.fetchBytes = fetchBytes;
        this.buffer = ByteBuffer.allocateDirect(Math.min(fetchBytes, INITIAL_BUFFER_BYTES));
    }

    /** The offset of the next record this reader will deliver. */
    public long position() {
        return nextOffset;
    }

    public void seek(long offset) {
        this.nextOffset = offset;
    }

    /**
     * Delivers up to {@code maxRecords} records from the current position; returns how many were
     * delivered (0 at the log end, without waiting).
     */
    public int poll(RecordHandler handler, int maxRecords) {
        if (closed) {
            throw new IllegalStateException("LogReader is closed");
        }
        FileRegion region = partition.read(nextOffset, fetchBytes);
        if (region.isEmpty()) {
            return 0;
        }
        if (buffer.capacity() < region.sizeBytes()) {
            buffer = ByteBuffer.allocateDirect(Math.max(region.sizeBytes(), Math.min(fetchBytes, buffer.capacity() * 2)));
        }
        buffer.clear();
        try {
            region.readInto(buffer);
        } catch (IOException e) {
            throw new LogStorageException(partition.topicPartition() + ": read failed: " + e.getMessage(), e);
        }
        buffer.flip();
        int delivered = 0;
        int offset = 0;
        int limit = buffer.limit();
        while (delivered < maxRecords && limit - offset >= RecordBatchDescriptor.LOG_OVERHEAD) {
            int size = RecordBatch.sizeInBytes(buffer, offset);
            if (size < RecordBatchDescriptor.HEADER_SIZE || offset + size > limit) {
                break; // a trailing partial batch: the next poll starts there
            }
            batch.wrap(buffer, offset);
            offset += size;
            if (batch.lastOffset() < nextOffset) {
                continue;
            }
            if (batch.isControl()) {
                nextOffset = batch.nextOffset();
                continue;
            }
            cursor.reset(batch);
            while (cursor.next()) {
                if (cursor.offset() < nextOffset) {
                    continue;
                }
                if (delivered == maxRecords) {
                    return delivered;
                }
                handler.onRecord(cursor);
                delivered++;
                nextOffset = cursor.offset() + 1;
            }
            nextOffset = Math.max(nextOffset, batch.nextOffset());
        }
        return delivered;
    }

    @Override
    public void close() {
        closed = true;
        buffer = null;
    }
}
