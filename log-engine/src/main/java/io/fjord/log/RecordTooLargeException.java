package io.fjord.log;

/** A batch is larger than max.message.bytes or than a whole segment. */
public class RecordTooLargeException extends FjordException {
    public RecordTooLargeException(String message) {
        super(message);
    }
}
