package io.fjord.protocol.codec;

/**
 * A message object cannot be encoded as it stands: a null in a non-nullable field, a string longer
 * than the protocol allows, an unsigned value out of range. A bug in the code that built the message.
 */
public class MessageEncodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MessageEncodingException(String message) {
        super(message);
    }
}
