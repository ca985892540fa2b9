package io.fjord.protocol.codec;

import java.nio.ByteBuffer;

/**
 * Records held in a {@link ByteBuffer}: on the produce path a slice sharing memory with the
 * received request (no copy), so the log writer can patch base offset and leader epoch in place.
 * The buffer's position and limit bound the records; this class never moves them.
 */
public final class BufferRecords implements RecordsPayload {
    private final ByteBuffer buffer;

    public BufferRecords(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** The records' bytes, sharing memory with wherever they were decoded from. */
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public int sizeInBytes() {
        return buffer.remaining();
    }

    @Override
    public void copyTo(ByteBuffer destination) {
        destination.put(buffer.duplicate());
    }

    /** Equal when the bytes are equal, wherever they live. */
    @Override
    public boolean equals(Object other) {
        return other instanceof BufferRecords that && buffer.equals(that.buffer);
    }

    @Override
    public int hashCode() {
        return buffer.hashCode();
    }

    @Override
    public String toString() {
        return "BufferRecords(" + buffer.remaining() + " bytes)";
    }
}
