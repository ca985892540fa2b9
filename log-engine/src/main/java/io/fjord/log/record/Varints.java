package io.fjord.log.record;

import java.nio.ByteBuffer;

/**
 * Zigzag variable-length integers as used inside v2 records (the protobuf {@code sint32}/{@code sint64} encoding):
 * 7 payload bits per byte, least significant group first, high bit set on every byte but the last; zigzag maps
 * signed to unsigned so small negatives stay short ({@code 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3 ...}).
 *
 * <pre>
 *   value 300, zigzag 600 = 0b100_1011000
 *   byte 0: 1_1011000 (0xD8)   continuation bit set, low 7 bits
 *   byte 1: 0_0000100 (0x04)   last byte
 * </pre>
 *
 * <p>All methods work on absolute indexes and never move a buffer's position or limit. Reading is split into
 * {@link #readVarint}/{@link #readVarlong} (the value) and {@link #lengthOfVarint}/{@link #lengthOfVarlong} (how many
 * bytes it occupied). Two calls instead of one because Java cannot return a pair without allocating, and deriving
 * the length from the value with {@link #sizeOfVarint} would be wrong for non-minimal encodings (e.g. {@code 0x80
 * 0x00} is a legal two-byte zero that Kafka's reader accepts). The second scan touches the same one to three
 * cached bytes, which costs far less than an allocation.
 *
 * <p>Every reader takes an exclusive {@code limit} so a corrupt length can never read into the next batch, and
 * rejects encodings longer than 5 bytes (int) or 10 bytes (long) with {@link CorruptRecordException}.
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

    /** Encoded size in bytes of {@code value} as a zigzag varint, 1..5. */
    public static int sizeOfVarint(int value) {
        int zigzag = (value << 1) ^ (value >> 31);
        // Each byte carries 7 bits; 32 - leadingZeros is the number of significant bits (at least 1 byte for 0).
        int bits = 32 - Integer.numberOfLeadingZeros(zigzag | 1);
        return (bits + 6) / 7;
    }

    /** Encoded size in bytes of {@code value} as a zigzag varlong, 1..10. */
    public static int sizeOfVarlong(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int bits = 64 - Long.numberOfLeadingZeros(zigzag | 1);
        return (bits + 6) / 7;
    }

    /** Writes {@code value} at {@code index}; returns the number of bytes written. */
    public static int writeVarint(ByteBuffer buffer, int index, int value) {
        int zigzag = (value << 1) ^ (value >> 31);
        int i = index;
        while ((zigzag & ~0x7F) != 0) {
            buffer.put(i++, (byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        buffer.put(i++, (byte) zigzag);
        return i - index;
    }

    /** Writes {@code value} at {@code index}; returns the number of bytes written. */
    public static int writeVarlong(ByteBuffer buffer, int index, long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int i = index;
        while ((zigzag & ~0x7FL) != 0) {
            buffer.put(i++, (byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        buffer.put(i++, (byte) zigzag);
        return i - index;
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
        int raw = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            byte b = byteAt(buffer, index + i, index, limit);
            // In the 5th byte only the low 4 bits fit in 32; the rest are dropped, as Kafka's reader does.
            raw |= (b & 0x7F) << (7 * i);
            if (b >= 0) {
                int value = (raw >>> 1) ^ -(raw & 1);
                return ((long) (i + 1) << 32) | (value & 0xFFFF_FFFFL);
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
        long raw = 0;
        for (int i = 0; i < MAX_VARLONG_BYTES; i++) {
            byte b = byteAt(buffer, index + i, index, limit);
            raw |= (long) (b & 0x7F) << (7 * i);
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
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
