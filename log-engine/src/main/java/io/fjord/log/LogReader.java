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
 * <p>What one read fetched is kept until it is consumed, across polls, the way a KafkaConsumer
 * keeps a completed fetch: a poll returns at most {@code maxRecords} (a consumer's
 * {@code max.poll.records}, 500 by default), and re-reading up to {@link #DEFAULT_FETCH_BYTES}
 * from the file for each poll, then re-parsing a half-consumed batch, cost as much pread as the
 * whole Java side of a poll in the client round-trip benchmark. Each byte is now read once and the
 * record cursor stays where the last poll stopped. So a record deleted (retention, deleteRecords,
 * compaction) after its fetch may still be returned, as with Kafka; a position that fell below the
 * log start drops what was fetched, so the poll reports the position out of range.
 *
 * <p>Not thread-safe: one reader per consuming thread.
 */
public final class LogReader implements AutoCloseable {
    /** Bytes fetched per read unless a single batch is larger. */
    public static final int DEFAULT_FETCH_BYTES = 1024 * 1024;
    /** Readers start small and grow to what their fetches need; many readers may be open. */
    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private final Partition partition;
    private final int fetchBytes;
    private final RecordBatch batch = new RecordBatch();
    private final RecordCursor cursor = new RecordCursor();
    private ByteBuffer buffer;
    /** Index in {@link #buffer} of the next batch to open; fetched bytes end at its limit. */
    private int nextBatchIndex;
    /** Whether {@link #cursor} is inside {@link #batch}, after the last record handed out. */
    private boolean inBatch;
    private long nextOffset;
    private boolean closed;

    LogReader(Partition partition, long offset, int fetchBytes) {
        if (fetchBytes <= 0) {
            throw new IllegalArgumentException("fetchBytes must be positive, got " + fetchBytes);
        }
        this.partition = partition;
        this.nextOffset = offset;
        this.fetchBytes = fetchBytes;
        this.buffer = ByteBuffer.allocateDirect(Math.min(fetchBytes, INITIAL_BUFFER_BYTES));
        discard();
    }

    /** The offset of the next record this reader will deliver. */
    public long position() {
        return nextOffset;
    }

    /** Moves the position; what was fetched is dropped and the next poll reads from there. */
    public void seek(long offset) {
        nextOffset = offset;
        discard();
    }

    /**
     * Delivers up to {@code maxRecords} records from the position; returns how many were delivered
     * (0 at the log end, without waiting). If {@code handler} throws, the record it threw on is
     * delivered again by the next poll.
     *
     * @throws OffsetOutOfRangeException if the position is outside the log
     */
    public int poll(RecordHandler handler, int maxRecords) {
        if (closed) {
            throw new IllegalStateException("LogReader is closed");
        }
        if (partition.earliestOffset() > nextOffset) {
            discard(); // let the engine's read report the position out of range
        }
        int delivered = 0;
        long fetchedAt = -1;
        try {
            while (delivered < maxRecords) {
                if (!inBatch && !openNextBatch()) {
                    // Buffer used up: fetch more, unless a fetch from here just yielded nothing.
                    if (fetchedAt == nextOffset || !fetch()) {
                        break;
                    }
                    fetchedAt = nextOffset;
                    continue;
                }
                while (delivered < maxRecords && cursor.next()) {
                    if (cursor.offset() < nextOffset) {
                        continue; // the first batch of a fetch may start before the position
                    }
                    handler.onRecord(cursor);
                    delivered++;
                    nextOffset = cursor.offset() + 1;
                }
                if (delivered < maxRecords) {
                    inBatch = false; // the cursor ran out, not the budget
                    nextOffset = Math.max(nextOffset, batch.nextOffset());
                }
            }
        } catch (RuntimeException e) {
            discard(); // the cursor is past the failed record; refetch from the position
            throw e;
        }
        return delivered;
    }

    /** Opens the next whole data batch with records at or after the position; false if none is buffered. */
    private boolean openNextBatch() {
        int limit = buffer.limit();
        while (limit - nextBatchIndex >= RecordBatchDescriptor.LOG_OVERHEAD) {
            int size = RecordBatch.sizeInBytes(buffer, nextBatchIndex);
            if (size < RecordBatchDescriptor.HEADER_SIZE || nextBatchIndex + size > limit) {
                break; // a trailing partial batch: the next fetch starts there
            }
            batch.wrap(buffer, nextBatchIndex);
            nextBatchIndex += size;
            if (batch.lastOffset() < nextOffset) {
                continue;
            }
            if (batch.isControl()) {
                nextOffset = batch.nextOffset();
                continue;
            }
            cursor.reset(batch);
            inBatch = true;
            return true;
        }
        return false;
    }

    /** Reads the next region from the position into the buffer; false at the log end. */
    private boolean fetch() {
        discard();
        FileRegion region = partition.read(nextOffset, fetchBytes);
        if (region.isEmpty()) {
            return false;
        }
        if (buffer.capacity() < region.sizeBytes()) {
            buffer = ByteBuffer.allocateDirect(
                    Math.max(region.sizeBytes(), Math.min(fetchBytes, buffer.capacity() * 2)));
        }
        buffer.clear();
        try {
            region.readInto(buffer);
        } catch (IOException e) {
            discard();
            throw new LogStorageException(partition.topicPartition() + ": read failed: " + e.getMessage(), e);
        }
        buffer.flip();
        return true;
    }

    /** Forgets what was fetched: the next poll reads from the position. */
    private void discard() {
        buffer.limit(0);
        nextBatchIndex = 0;
        inBatch = false;
    }

    @Override
    public void close() {
        closed = true;
        buffer = ByteBuffer.allocate(0); // lets the direct buffer go now, not when the reader does
        discard();
    }
}
