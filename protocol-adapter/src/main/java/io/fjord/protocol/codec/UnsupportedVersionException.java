package io.fjord.protocol.codec;

/**
 * A message was asked to decode or encode a version its schema does not define, or to encode a
 * non-default value in a field that the requested version cannot carry.
 */
public final class UnsupportedVersionException extends MessageEncodingException {
    private static final long serialVersionUID = 1L;

    public UnsupportedVersionException(String message) {
        super(message);
    }

    public static void check(short version, short lowest, short highest, String messageName) {
        if (version < lowest || version > highest) {
            throw new UnsupportedVersionException(messageName + " has versions " + lowest + "-" + highest
                    + ", not " + version);
        }
    }
}
