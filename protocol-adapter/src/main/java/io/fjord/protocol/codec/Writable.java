package io.fjord.protocol.codec;

import io.fjord.log.record.Varints;

import java.util.Collection;
import java.util.UUID;

/**
 * Where encoded messages go. Implementations supply the primitive writes; the protocol's
 * composite encodings (lengths, compact forms, null markers) are default methods so every
 * implementation encodes them the same way. Big-endian, as the Kafka protocol is.
 */
public interface Writable {
    void writeByte(byte value);

    void writeShort(short value);

    void writeInt(int value);

    void writeLong(long value);

    void writeByteArray(byte[] bytes, int offset, int length);

    /** Writes {@code text} as UTF-8; {@code encodedLength} is {@link Utf8#encodedLength}, computed by the caller. */
    void writeUtf8(String text, int encodedLength);

    /** Appends records, by reference where the implementation can (see {@link SegmentedWritable}). */
    void writeRecords(RecordsPayload records);

    default void writeBoolean(boolean value) {
        writeByte(value ? (byte) 1 : (byte) 0);
    }

    default void writeUnsignedShort(int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new MessageEncodingException("uint16 out of range: " + value);
        }
        writeShort((short) value);
    }

    default void writeUnsignedInt(long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new MessageEncodingException("uint32 out of range: " + value);
        }
        writeInt((int) value);
    }

    default void writeDouble(double value) {
        writeLong(Double.doubleToRawLongBits(value));
    }

    default void writeUuid(UUID value) {
        writeLong(value.getMostSignificantBits());
        writeLong(value.getLeastSignificantBits());
    }

    /**
     * Unsigned LEB128, at most 5 bytes. Implementations encode with log-engine's {@code Varints}, the one
     * varint implementation, into the buffer they write to.
     */
    void writeUnsignedVarint(int value);

    /** Zigzag varlong, at most 10 bytes; encoded as {@link #writeUnsignedVarint}. */
    void writeVarlong(long value);

    default void writeVarint(int value) {
        writeUnsignedVarint(Varints.zigzag(value));
    }

    /** Writes a length prefix: compact unsigned varint length+1 (0 = null) or int16/int32 (-1 = null). */
    private void writeLength(int length, boolean compact, boolean wideLength) {
        if (compact) {
            writeUnsignedVarint(length + 1);
        } else if (wideLength) {
            writeInt(length);
        } else {
            writeShort((short) length);
        }
    }

    private static void checkNullable(Object value, boolean nullable, String field) {
        if (value == null && !nullable) {
            throw new MessageEncodingException(field + " is null in a version where it is not nullable");
        }
    }

    default void writeString(String value, boolean compact, boolean nullable, String field) {
        checkNullable(value, nullable, field);
        if (value == null) {
            writeLength(-1, compact, false);
            return;
        }
        int length = Utf8.encodedLength(value);
        if (length > Readable.MAX_STRING_BYTES) {
            throw new MessageEncodingException(field + ": string of " + length + " bytes exceeds "
                    + Readable.MAX_STRING_BYTES);
        }
        writeLength(length, compact, false);
        writeUtf8(value, length);
    }

    default void writeBytes(byte[] value, boolean compact, boolean nullable, String field) {
        checkNullable(value, nullable, field);
        if (value == null) {
            writeLength(-1, compact, true);
            return;
        }
        writeLength(value.length, compact, true);
        writeByteArray(value, 0, value.length);
    }

    default void writeRecords(RecordsPayload value, boolean compact, boolean nullable, String field) {
        checkNullable(value, nullable, field);
        if (value == null) {
            writeLength(-1, compact, true);
            return;
        }
        writeLength(value.sizeInBytes(), compact, true);
        writeRecords(value);
    }

    /** Writes an array's length; returns whether elements follow (false for a null array). */
    default boolean writeArrayLength(Collection<?> items, boolean compact, boolean nullable, String field) {
        checkNullable(items, nullable, field);
        writeLength(items == null ? -1 : items.size(), compact, true);
        return items != null;
    }

    /** For a struct field: writes the null marker where nullable; returns whether the struct follows. */
    default boolean writeStructPresence(boolean present, boolean nullable, String field) {
        if (nullable) {
            writeByte(present ? (byte) 1 : (byte) -1);
        } else if (!present) {
            throw new MessageEncodingException(field + " is null in a version where it is not nullable");
        }
        return present;
    }
}
