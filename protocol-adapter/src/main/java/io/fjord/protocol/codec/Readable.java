package io.fjord.protocol.codec;

import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.Varints;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Decodes protocol primitives from a {@link ByteBuffer}, big-endian, with absolute gets and its
 * own cursor: the source buffer's position never moves, so a network thread can hand the same
 * receive buffer to other code after decoding.
 *
 * <p>Every length read from the wire is checked against the bytes that remain before anything is
 * allocated or skipped, so a hostile "2 GiB string" in a 100-byte frame costs nothing but a
 * {@link MalformedMessageException}. Loops in the generated code are bounded by such checked
 * counts, so no input makes decoding spin.
 *
 * <p>Not thread-safe: one instance per frame being decoded.
 */
public final class Readable {
    /** Kafka's limit for every string, compact or not (the non-compact length is an int16). */
    public static final int MAX_STRING_BYTES = Short.MAX_VALUE;
    /**
     * Arrays get at most this much capacity up front and grow as elements actually decode:
     * a declared count is only bounded by the remaining bytes, which can still be large.
     */
    private static final int MAX_PREALLOCATED_ELEMENTS = 1024;

    private final ByteBuffer buffer;
    private final int limit;
    private int position;

    /** Reads {@code source} from its position to its limit. */
    public Readable(ByteBuffer source) {
        this.buffer = source.order() == ByteOrder.BIG_ENDIAN ? source : source.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.position = source.position();
        this.limit = source.limit();
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return limit - position;
    }

    private int advance(int bytes) {
        if (bytes > limit - position) {
            throw new MalformedMessageException("need " + bytes + " bytes at position " + position + ", only "
                    + (limit - position) + " remain");
        }
        int start = position;
        position += bytes;
        return start;
    }

    public byte readByte() {
        return buffer.get(advance(1));
    }

    public boolean readBoolean() {
        return readByte() != 0;
    }

    public short readShort() {
        return buffer.getShort(advance(2));
    }

    public int readUnsignedShort() {
        return Short.toUnsignedInt(readShort());
    }

    public int readInt() {
        return buffer.getInt(advance(4));
    }

    public long readUnsignedInt() {
        return Integer.toUnsignedLong(readInt());
    }

    public long readLong() {
        return buffer.getLong(advance(8));
    }

    public double readDouble() {
        return buffer.getDouble(advance(8));
    }

    public UUID readUuid() {
        return new UUID(readLong(), readLong());
    }

    /**
     * An unsigned LEB128 int, at most 5 bytes. Decoded by log-engine's {@link Varints}, the one varint
     * implementation, whose errors become {@link MalformedMessageException} here.
     */
    public int readUnsignedVarint() {
        long packed;
        try {
            packed = Varints.readUnsignedVarintAndLength(buffer, position, limit);
        } catch (CorruptRecordException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        position += (int) (packed >>> 32);
        return (int) packed;
    }

    public int readVarint() {
        return Varints.unzigzag(readUnsignedVarint());
    }

    public long readVarlong() {
        long value;
        try {
            value = Varints.readVarlong(buffer, position, limit);
            position += Varints.lengthOfVarlong(buffer, position, limit);
        } catch (CorruptRecordException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        return value;
    }

    /**
     * Reads a length prefix: compact is unsigned varint length+1 (0 = null), otherwise a signed
     * int16/int32 (-1 = null). Returns -1 for null, after checking null is allowed.
     */
    private int readLength(boolean compact, boolean wideLength, boolean nullable, String field) {
        long length;
        if (compact) {
            length = Integer.toUnsignedLong(readUnsignedVarint()) - 1;
        } else {
            length = wideLength ? readInt() : readShort();
        }
        if (length < 0) {
            if (length == -1 && nullable) {
                return -1;
            }
            throw new MalformedMessageException(field + ": " + (length == -1 ? "null in a non-nullable version"
                    : "negative length " + length));
        }
        if (length > remaining()) {
            throw new MalformedMessageException(field + ": length " + length + " exceeds the " + remaining()
                    + " bytes that remain");
        }
        return (int) length;
    }

    public String readString(boolean compact, boolean nullable, String field) {
        int length = readLength(compact, false, nullable, field);
        if (length < 0) {
            return null;
        }
        if (length > MAX_STRING_BYTES) {
            throw new MalformedMessageException(field + ": string of " + length + " bytes exceeds " + MAX_STRING_BYTES);
        }
        int start = advance(length);
        if (buffer.hasArray()) {
            return new String(buffer.array(), buffer.arrayOffset() + start, length, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[length];
        buffer.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A copy of a {@code bytes} field (small values: SASL tokens, group assignments). */
    public byte[] readBytes(boolean compact, boolean nullable, String field) {
        int length = readLength(compact, true, nullable, field);
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(advance(length), bytes);
        return bytes;
    }

    /** A {@code records} field as a slice sharing this buffer's memory: no copy. */
    public BufferRecords readRecords(boolean compact, boolean nullable, String field) {
        int length = readLength(compact, true, nullable, field);
        if (length < 0) {
            return null;
        }
        return new BufferRecords(buffer.slice(advance(length), length));
    }

    /** An array's element count, or -1 for a null array. */
    public int readArrayLength(boolean compact, boolean nullable, String field) {
        return readLength(compact, true, nullable, field);
    }

    /** Capacity to reserve for a checked element count. */
    public int initialCapacity(int count) {
        return Math.min(count, MAX_PREALLOCATED_ELEMENTS);
    }

    /** For a struct field: false if a nullable struct is null (marker -1). */
    public boolean readStructPresence(boolean nullable, String field) {
        return !nullable || readByte() >= 0;
    }

    public int readTaggedFieldCount() {
        return checkedCount(readUnsignedVarint(), "tagged field count");
    }

    public int readTaggedFieldSize() {
        return checkedCount(readUnsignedVarint(), "tagged field size");
    }

    private int checkedCount(int value, String what) {
        if (value < 0 || value > remaining()) {
            throw new MalformedMessageException(what + " " + Integer.toUnsignedString(value) + " exceeds the "
                    + remaining() + " bytes that remain");
        }
        return value;
    }

    public void skip(int bytes) {
        if (bytes < 0) {
            throw new MalformedMessageException("negative skip " + bytes);
        }
        advance(bytes);
    }

    /** Skips a whole tagged-field section whose tags this struct does not know. */
    public void skipTaggedFields() {
        int count = readTaggedFieldCount();
        for (int i = 0; i < count; i++) {
            readUnsignedVarint(); // tag
            skip(readTaggedFieldSize());
        }
    }

    /** After a known tagged field: its value must have filled exactly the declared size. */
    public void expectPosition(int expected, String field) {
        if (position != expected) {
            throw new MalformedMessageException(field + ": tagged field declared to end at " + expected
                    + " but its value ended at " + position);
        }
    }
}
