package io.fjord.log;

/** The engine (or the partition) was closed. */
public class EngineClosedException extends FjordException {
    public EngineClosedException(String message) {
        super(message);
    }
}
