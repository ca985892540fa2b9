package io.fjord.protocol.codec;

import java.nio.ByteBuffer;

/**
 * UTF-8 length and encoding straight into a buffer, without the intermediate byte[] of
 * {@code String.getBytes}: topic names are encoded for every partition of every fetch response.
 * Produces exactly the bytes of {@code getBytes(UTF_8)}, including its '?' for a lone surrogate.
 */
public final class Utf8 {
    private static final byte REPLACEMENT = '?';

    private Utf8() {
    }

    public static int encodedLength(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 2; // 4 bytes for the pair of chars
                i++;
            } else if (Character.isSurrogate(c)) {
                // lone surrogate: one '?'
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    public static void encode(String text, ByteBuffer destination) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                destination.put((byte) c);
            } else if (c < 0x800) {
                destination.put((byte) (0xC0 | (c >> 6)));
                destination.put((byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, text.charAt(++i));
                destination.put((byte) (0xF0 | (codePoint >> 18)));
                destination.put((byte) (0x80 | ((codePoint >> 12) & 0x3F)));
                destination.put((byte) (0x80 | ((codePoint >> 6) & 0x3F)));
                destination.put((byte) (0x80 | (codePoint & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                destination.put(REPLACEMENT);
            } else {
                destination.put((byte) (0xE0 | (c >> 12)));
                destination.put((byte) (0x80 | ((c >> 6) & 0x3F)));
                destination.put((byte) (0x80 | (c & 0x3F)));
            }
        }
    }
}
