package io.fjord.protocol.codec;

import io.fjord.log.record.Varints;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Encodes a message as an ordered list of parts: heap chunks holding the encoded fields, and the
 * {@link RecordsPayload}s themselves, by reference. The network layer then sends a fetch response
 * as a few small buffers plus file regions (sendfile), so records never pass through the heap.
 *
 * <p>A fetch response is mostly records; everything else (headers, partition metadata) is a few
 * dozen bytes per partition, so chunks default to {@value #DEFAULT_CHUNK_BYTES} bytes and a
 * records part ends a chunk only logically: encoding continues in the unused tail of the same
 * chunk. Not thread-safe.
 */
public final class SegmentedWritable implements Writable {
    public static final int DEFAULT_CHUNK_BYTES = 4096;

    /** One part of the encoded message, in send order. */
    public sealed interface Part permits EncodedBytes, Records {
        int sizeInBytes();
    }

    /** Encoded fields; position 0 to limit are the bytes to send. */
    public record EncodedBytes(ByteBuffer bytes) implements Part {
        @Override
        public int sizeInBytes() {
            return bytes.remaining();
        }
    }

    /** A records payload, to be sent from wherever it lives. */
    public record Records(RecordsPayload payload) implements Part {
        @Override
        public int sizeInBytes() {
            return payload.sizeInBytes();
        }
    }

    private final int chunkBytes;
    private final List<Part> parts = new ArrayList<>();
    private ByteBuffer chunk;
    /** Where the not yet emitted bytes of {@link #chunk} start. */
    private int pendingStart;
    private int sizeInBytes;

    public SegmentedWritable() {
        this(DEFAULT_CHUNK_BYTES);
    }

    public SegmentedWritable(int chunkBytes) {
        if (chunkBytes < 16) {
            throw new IllegalArgumentException("chunkBytes " + chunkBytes + " < 16");
        }
        this.chunkBytes = chunkBytes;
    }

    /** The parts written so far, in order. The list is a view; do not write while sending it. */
    public List<Part> parts() {
        emitPending();
        return Collections.unmodifiableList(parts);
    }

    public int sizeInBytes() {
        return sizeInBytes;
    }

    private ByteBuffer room(int bytes) {
        if (chunk == null || chunk.remaining() < bytes) {
            emitPending();
            chunk = ByteBuffer.allocate(Math.max(chunkBytes, bytes));
            pendingStart = 0;
        }
        sizeInBytes += bytes;
        return chunk;
    }

    private void emitPending() {
        if (chunk != null && chunk.position() > pendingStart) {
            parts.add(new EncodedBytes(chunk.slice(pendingStart, chunk.position() - pendingStart)));
            pendingStart = chunk.position();
        }
    }

    @Override
    public void writeByte(byte value) {
        room(1).put(value);
    }

    @Override
    public void writeShort(short value) {
        room(2).putShort(value);
    }

    @Override
    public void writeInt(int value) {
        room(4).putInt(value);
    }

    @Override
    public void writeLong(long value) {
        room(8).putLong(value);
    }

    @Override
    public void writeUnsignedVarint(int value) {
        ByteBuffer target = room(Varints.sizeOfUnsignedVarint(value));
        target.position(target.position() + Varints.writeUnsignedVarint(target, target.position(), value));
    }

    @Override
    public void writeVarlong(long value) {
        ByteBuffer target = room(Varints.sizeOfVarlong(value));
        target.position(target.position() + Varints.writeVarlong(target, target.position(), value));
    }

    @Override
    public void writeByteArray(byte[] bytes, int offset, int length) {
        room(length).put(bytes, offset, length);
    }

    @Override
    public void writeUtf8(String text, int encodedLength) {
        Utf8.encode(text, room(encodedLength));
    }

    @Override
    public void writeRecords(RecordsPayload records) {
        emitPending();
        parts.add(new Records(records));
        sizeInBytes += records.sizeInBytes();
    }
}
