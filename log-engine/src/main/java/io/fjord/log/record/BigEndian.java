package io.fjord.log.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Absolute big-endian accessors that work whatever order the caller left on a {@link ByteBuffer}.
 *
 * <p>Why not just call {@code buffer.order(BIG_ENDIAN)}: the order is part of a buffer's state, which the
 * flyweights promise not to touch, and {@code duplicate().order(...)} allocates on every wrap. Reversing the
 * bytes costs one {@code bswap} on a little-endian buffer and nothing on a big-endian one.
 *
 * <p>Thread safety: stateless.
 */
final class BigEndian {
    private BigEndian() {
    }

    static short getShort(ByteBuffer buffer, int index) {
        short value = buffer.getShort(index);
        return buffer.order() == ByteOrder.BIG_ENDIAN ? value : Short.reverseBytes(value);
    }

    static int getInt(ByteBuffer buffer, int index) {
        int value = buffer.getInt(index);
        return buffer.order() == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value);
    }

    static long getLong(ByteBuffer buffer, int index) {
        long value = buffer.getLong(index);
        return buffer.order() == ByteOrder.BIG_ENDIAN ? value : Long.reverseBytes(value);
    }

    static void putShort(ByteBuffer buffer, int index, short value) {
        buffer.putShort(index, buffer.order() == ByteOrder.BIG_ENDIAN ? value : Short.reverseBytes(value));
    }

    static void putInt(ByteBuffer buffer, int index, int value) {
        buffer.putInt(index, buffer.order() == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value));
    }

    static void putLong(ByteBuffer buffer, int index, long value) {
        buffer.putLong(index, buffer.order() == ByteOrder.BIG_ENDIAN ? value : Long.reverseBytes(value));
    }
}
