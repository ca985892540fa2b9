package io.fjord.protocol.codec;

import io.fjord.log.record.Varints;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes into one {@link ByteBuffer} at its position. Size the buffer with
 * {@link Message#size(short)} first; records are copied in ({@link RecordsPayload#copyTo}).
 * Not thread-safe.
 */
public final class ByteBufferWritable implements Writable {
    private final ByteBuffer buffer;

    public ByteBufferWritable(ByteBuffer buffer) {
        if (buffer.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("the Kafka protocol is big-endian");
        }
        this.buffer = buffer;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public void writeByte(byte value) {
        buffer.put(value);
    }

    @Override
    public void writeShort(short value) {
        buffer.putShort(value);
    }

    @Override
    public void writeInt(int value) {
        buffer.putInt(value);
    }

    @Override
    public void writeLong(long value) {
        buffer.putLong(value);
    }

    @Override
    public void writeUnsignedVarint(int value) {
        buffer.position(buffer.position() + Varints.writeUnsignedVarint(buffer, buffer.position(), value));
    }

    @Override
    public void writeVarlong(long value) {
        buffer.position(buffer.position() + Varints.writeVarlong(buffer, buffer.position(), value));
    }

    @Override
    public void writeByteArray(byte[] bytes, int offset, int length) {
        buffer.put(bytes, offset, length);
    }

    @Override
    public void writeUtf8(String text, int encodedLength) {
        Utf8.encode(text, buffer);
    }

    @Override
    public void writeRecords(RecordsPayload records) {
        records.copyTo(buffer);
    }
}
