package io.fjord.log.record.compress;

import java.io.ByteArrayOutputStream;

/** A {@link ByteArrayOutputStream} whose bytes can be copied out without {@code toByteArray}'s copy. Not thread-safe. */
public final class ExposedByteArrayOutputStream extends ByteArrayOutputStream {
    public ExposedByteArrayOutputStream(int initialBytes) {
        super(initialBytes);
    }

    /** The backing array; its first {@link #size()} bytes are what was written. */
    public byte[] array() {
        return buf;
    }
}
