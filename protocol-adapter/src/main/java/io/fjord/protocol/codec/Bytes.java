package io.fjord.protocol.codec;

/** Helpers for {@code bytes} fields. */
public final class Bytes {
    /** The default of non-nullable bytes fields. Shared: a zero-length array cannot be changed. */
    public static final byte[] EMPTY = new byte[0];

    private Bytes() {
    }

    /** For toString: the length, not the content (which may be a secret such as a SASL token). */
    public static String describe(byte[] bytes) {
        return bytes == null ? "null" : "bytes[" + bytes.length + "]";
    }
}
