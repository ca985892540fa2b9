package io.fjord.log;

/**
 * Base of every exception the log engine throws for an expected failure (bad input, missing topic,
 * closed engine, storage error). Each subclass maps to one Kafka error code at the protocol boundary.
 */
public class FjordException extends RuntimeException {
    public FjordException(String message) {
        super(message);
    }

    public FjordException(String message, Throwable cause) {
        super(message, cause);
    }
}
