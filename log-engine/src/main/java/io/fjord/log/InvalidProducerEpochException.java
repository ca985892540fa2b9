package io.fjord.log;

/** A batch carries an older producer epoch than the partition has seen: a fenced, zombie producer. */
public class InvalidProducerEpochException extends FjordException {
    public InvalidProducerEpochException(String message) {
        super(message);
    }
}
