package io.fjord.protocol.codec;

import io.fjord.log.record.Varints;

import java.util.Collection;

/** Encoded sizes, for the generated {@code size(short)} methods. */
public final class Sizes {
    private Sizes() {
    }

    /** Delegates to log-engine's {@link Varints}, the one varint implementation. */
    public static int unsignedVarint(int value) {
        return Varints.sizeOfUnsignedVarint(value);
    }

    public static int varint(int value) {
        return Varints.sizeOfVarint(value);
    }

    public static int varlong(long value) {
        return Varints.sizeOfVarlong(value);
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
