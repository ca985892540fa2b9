package io.fjord.protocol.codec;

/**
 * A protocol message or struct that can decode and encode itself at a given version.
 * Implemented by the generated classes in {@code io.fjord.protocol.message}.
 */
public interface Message {
    /** Replaces every field with the values decoded from {@code in} at {@code version}. */
    void read(Readable in, short version);

    /** Encodes at {@code version}; writes exactly {@link #size(short)} bytes. */
    void write(Writable out, short version);

    /** The exact number of bytes {@link #write} will produce at {@code version}. */
    int size(short version);
}
