package io.fjord.log;

/** A config name is unknown or its value is out of range. */
public class InvalidConfigException extends FjordException {
    public InvalidConfigException(String message) {
        super(message);
    }
}
