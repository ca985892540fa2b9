package io.fjord.log;

/** An offset is below the log start offset or above the log end offset. */
public class OffsetOutOfRangeException extends FjordException {
    public OffsetOutOfRangeException(String message) {
        super(message);
    }
}
