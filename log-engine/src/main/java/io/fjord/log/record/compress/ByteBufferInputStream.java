package io.fjord.log.record.compress;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An {@link InputStream} over {@code [from, to)} of a buffer, read with absolute gets so the
 * buffer's position and limit never change (the buffer may be a shared produce request or a
 * reader's chunk). Not thread-safe.
 */
final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer buffer;
    private final int end;
    private int position;

    ByteBufferInputStream(ByteBuffer buffer, int from, int to) {
        this.buffer = buffer;
        this.position = from;
        this.end = to;
    }

    @Override
    public int read() {
        return position < end ? buffer.get(position++) & 0xFF : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        int n = Math.min(length, end - position);
        if (n <= 0) {
            return -1;
        }
        buffer.get(position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return end - position;
    }
}
