package io.fjord.protocol.codec;

import java.nio.ByteBuffer;

/**
 * The value of a {@code records} field: record batches the codec passes through without looking
 * inside. Received records are a {@link BufferRecords} slice of the receive buffer; records to send
 * may instead live in a file and go out by sendfile (see {@link SegmentedWritable}).
 */
public interface RecordsPayload {
    int sizeInBytes();

    /**
     * Copies the records into {@code destination} at its position, advancing it by
     * {@link #sizeInBytes()}. The fallback for writers that need the bytes in memory
     * ({@link ByteBufferWritable}, TLS); the sendfile path never calls it.
     */
    void copyTo(ByteBuffer destination);
}
