package io.fjord.protocol.codec;

import java.util.Collection;

/** Encoded sizes, for the generated {@code size(short)} methods. */
public final class Sizes {
    private Sizes() {
    }

    public static int unsignedVarint(int value) {
        // 7 payload bits per byte: 1 byte up to 2^7-1, ..., 5 bytes for the top bits of 32.
        int bits = 32 - Integer.numberOfLeadingZeros(value);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }

    public static int varint(int value) {
        return unsignedVarint((value << 1) ^ (value >> 31));
    }

    public static int varlong(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int bits = 64 - Long.numberOfLeadingZeros(zigzag);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }

    public static int string(String value, boolean compact) {
        if (value == null) {
            return compact ? 1 : 2;
        }
        int length = Utf8.encodedLength(value);
        return (compact ? unsignedVarint(length + 1) : 2) + length;
    }

    public static int bytes(byte[] value, boolean compact) {
        if (value == null) {
            return compact ? 1 : 4;
        }
        return (compact ? unsignedVarint(value.length + 1) : 4) + value.length;
    }

    public static int records(RecordsPayload value, boolean compact) {
        if (value == null) {
            return compact ? 1 : 4;
        }
        int length = value.sizeInBytes();
        return (compact ? unsignedVarint(length + 1) : 4) + length;
    }

    /** The length prefix of an array; the elements are counted separately. */
    public static int arrayLength(Collection<?> items, boolean compact) {
        if (items == null) {
            return compact ? 1 : 4;
        }
        return compact ? unsignedVarint(items.size() + 1) : 4;
    }
}
