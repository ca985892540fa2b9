package io.fjord.log;

/** A record batch failed validation (size, magic, CRC-32C, record count, offsets). */
public class InvalidRecordException extends FjordException {
    public InvalidRecordException(String message) {
        super(message);
    }
}
