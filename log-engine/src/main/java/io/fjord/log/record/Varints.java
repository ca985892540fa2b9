package io.fjord.log.record;

import java.nio.ByteBuffer;

/**
 * The one implementation of Kafka's variable-length integers, for both the v2 record format (zigzag
 * {@code varint}/{@code varlong}, the protobuf {@code sint32}/{@code sint64} encoding) and the wire protocol's
 * flexible versions (unsigned varints for compact lengths and tagged fields; protocol-adapter's codec calls
 * these methods). 7 payload bits per byte, least significant group first, high bit set on every byte but the
 * last; zigzag maps signed to unsigned so small negatives stay short ({@code 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3 ...}).
 *
 * <pre>
 *   value 300, zigzag 600 = 0b100_1011000
 *   byte 0: 1_1011000 (0xD8)   continuation bit set, low 7 bits
 *   byte 1: 0_0000100 (0x04)   last byte
 * </pre>
 *
 * <p>All methods work on absolute indexes and never move a buffer's position or limit. Reading is split into
 * the value and how many bytes it occupied: {@link #readVarintAndLength}/{@link #readUnsignedVarintAndLength}
 * pack both into one {@code long} (the hot per-record walk), {@link #readVarlong} and {@link #lengthOfVarlong}
 * are two calls because a 64-bit value leaves no room for the length and Java cannot return a pair without
 * allocating. The length cannot be derived from the value with {@link #sizeOfVarint}: non-minimal encodings
 * (e.g. {@code 0x80 0x00}, a two-byte zero) are legal and Kafka's reader accepts them.
 *
 * <p>Malformed input, the same rule for records and wire: every reader takes an exclusive {@code limit} so a
 * corrupt length can never read into the next batch or frame, and an encoding longer than 5 bytes (int) or
 * 10 bytes (long) is rejected with {@link CorruptRecordException} (the wire codec turns it into its own
 * {@code MalformedMessageException}). In the last allowed byte the bits that do not fit are dropped, as
 * Kafka's {@code ByteUtils} readers do, so Fjord accepts exactly the encodings Kafka accepts.
 *
 * <p>Thread safety: stateless.
 */
public final class Varints {
    /** Longest legal encoding of a 32-bit varint: ceil(32 / 7). */
    public static final int MAX_VARINT_BYTES = 5;
    /** Longest legal encoding of a 64-bit varlong: ceil(64 / 7). */
    public static final int MAX_VARLONG_BYTES = 10;

    private Varints() {
    }

    /** Zigzag: signed to unsigned, small magnitudes to small values. */
    public static int zigzag(int value) {
        return (value << 1) ^ (value >> 31);
    }

    public static long zigzag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    public static int unzigzag(int raw) {
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static long unzigzag(long raw) {
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Encoded size in bytes of {@code value}, read as unsigned 32 bits, 1..5. */
    public static int sizeOfUnsignedVarint(int value) {
        // Each byte carries 7 bits; 32 - leadingZeros is the number of significant bits (at least 1 byte for 0).
        int bits = 32 - Integer.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /** Encoded size in bytes of {@code value} as a zigzag varint, 1..5. */
    public static int sizeOfVarint(int value) {
        return sizeOfUnsignedVarint(zigzag(value));
    }

    /** Encoded size in bytes of {@code value}, read as unsigned 64 bits, 1..10. */
    public static int sizeOfUnsignedVarlong(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /** Encoded size in bytes of {@code value} as a zigzag varlong, 1..10. */
    public static int sizeOfVarlong(long value) {
        return sizeOfUnsignedVarlong(zigzag(value));
    }

    /** Writes {@code value} (unsigned 32 bits) at {@code index}; returns the number of bytes written. */
    public static int writeUnsignedVarint(ByteBuffer buffer, int index, int value) {
        int i = index;
        while ((value & ~0x7F) != 0) {
            buffer.put(i++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buffer.put(i++, (byte) value);
        return i - index;
    }

    /** Writes {@code value} as a zigzag varint at {@code index}; returns the number of bytes written. */
    public static int writeVarint(ByteBuffer buffer, int index, int value) {
        return writeUnsignedVarint(buffer, index, zigzag(value));
    }

    /** Writes {@code value} (unsigned 64 bits) at {@code index}; returns the number of bytes written. */
    public static int writeUnsignedVarlong(ByteBuffer buffer, int index, long value) {
        int i = index;
        while ((value & ~0x7FL) != 0) {
            buffer.put(i++, (byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buffer.put(i++, (byte) value);
        return i - index;
    }

    /** Writes {@code value} as a zigzag varlong at {@code index}; returns the number of bytes written. */
    public static int writeVarlong(ByteBuffer buffer, int index, long value) {
        return writeUnsignedVarlong(buffer, index, zigzag(value));
    }

    /**
     * Reads the zigzag varint starting at {@code index}, which must end before {@code limit}.
     *
     * @throws CorruptRecordException if it runs to {@code limit} or is longer than 5 bytes
     */
    public static int readVarint(ByteBuffer buffer, int index, int limit) {
        return (int) readVarintAndLength(buffer, index, limit);
    }

    /**
     * {@link #readVarint} and {@link #lengthOfVarint} in one pass, for the per-record walk on the
     * append path: the value in the low 32 bits, the length in bytes above them. Unpack with
     * {@code (int) packed} and {@code (int) (packed >>> 32)}.
     *
     * @throws CorruptRecordException as {@link #readVarint}
     */
    public static long readVarintAndLength(ByteBuffer buffer, int index, int limit) {
        long packed = readUnsignedVarintAndLength(buffer, index, limit);
        return (packed & 0xFFFF_FFFF_0000_0000L) | (unzigzag((int) packed) & 0xFFFF_FFFFL);
    }

    /**
     * Reads the unsigned varint starting at {@code index}, packed as {@link #readVarintAndLength}: the 32 value
     * bits (unsigned) low, the length in bytes above them.
     *
     * @throws CorruptRecordException if it runs to {@code limit} or is longer than 5 bytes
     */
    public static long readUnsignedVarintAndLength(ByteBuffer buffer, int index, int limit) {
        int raw = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            byte b = byteAt(buffer, index + i, index, limit);
            // In the 5th byte only the low 4 bits fit in 32; the rest are dropped, as Kafka's reader does.
            raw |= (b & 0x7F) << (7 * i);
            if (b >= 0) {
                return ((long) (i + 1) << 32) | (raw & 0xFFFF_FFFFL);
            }
        }
        throw tooLong("varint", index, MAX_VARINT_BYTES);
    }

    /**
     * Reads the zigzag varlong starting at {@code index}, which must end before {@code limit}.
     *
     * @throws CorruptRecordException if it runs to {@code limit} or is longer than 10 bytes
     */
    public static long readVarlong(ByteBuffer buffer, int index, int limit) {
        return unzigzag(readUnsignedVarlong(buffer, index, limit));
    }

    /**
     * Reads the unsigned varlong starting at {@code index}, which must end before {@code limit}.
     *
     * @throws CorruptRecordException if it runs to {@code limit} or is longer than 10 bytes
     */
    public static long readUnsignedVarlong(ByteBuffer buffer, int index, int limit) {
        long raw = 0;
        for (int i = 0; i < MAX_VARLONG_BYTES; i++) {
            byte b = byteAt(buffer, index + i, index, limit);
            // In the 10th byte only the low bit fits in 64; the rest are dropped, as Kafka's reader does.
            raw |= (long) (b & 0x7F) << (7 * i);
            if (b >= 0) {
                return raw;
            }
        }
        throw tooLong("varlong", index, MAX_VARLONG_BYTES);
    }

    /** Number of bytes the varint at {@code index} occupies, 1..5; same checks as {@link #readVarint}. */
    public static int lengthOfVarint(ByteBuffer buffer, int index, int limit) {
        return lengthOf(buffer, index, limit, MAX_VARINT_BYTES, "varint");
    }

    /** Number of bytes the varlong at {@code index} occupies, 1..10; same checks as {@link #readVarlong}. */
    public static int lengthOfVarlong(ByteBuffer buffer, int index, int limit) {
        return lengthOf(buffer, index, limit, MAX_VARLONG_BYTES, "varlong");
    }

    private static int lengthOf(ByteBuffer buffer, int index, int limit, int maxBytes, String kind) {
        for (int i = 0; i < maxBytes; i++) {
            if (byteAt(buffer, index + i, index, limit) >= 0) {
                return i + 1;
            }
        }
        throw tooLong(kind, index, maxBytes);
    }

    private static byte byteAt(ByteBuffer buffer, int position, int start, int limit) {
        if (position >= limit) {
            throw new CorruptRecordException(
                "varint starting at index " + start + " runs past its limit " + limit);
        }
        return buffer.get(position);
    }

    private static CorruptRecordException tooLong(String kind, int index, int maxBytes) {
        return new CorruptRecordException(
            kind + " starting at index " + index + " is longer than " + maxBytes + " bytes");
    }
}
