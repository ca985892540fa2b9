package io.fjord.protocol.codec;

/**
 * Received bytes do not decode: truncated, a length larger than what remains, a negative length,
 * an over-long varint, a null where the version forbids one. The adapter answers with an error or
 * closes the connection; it never retries the same bytes. Unchecked, since decoding is
 * all-or-nothing and callers handle it at the request boundary.
 */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
