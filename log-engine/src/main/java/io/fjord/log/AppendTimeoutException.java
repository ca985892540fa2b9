package io.fjord.log;

/** A writer queue stayed full for longer than the append timeout (back-pressure). */
public class AppendTimeoutException extends FjordException {
    public AppendTimeoutException(String message) {
        super(message);
    }
}
