package io.fjord.log;

/** An idempotent producer's batch does not follow its previous one (Kafka's OUT_OF_ORDER_SEQUENCE_NUMBER). */
public class OutOfOrderSequenceException extends FjordException {
    public OutOfOrderSequenceException(String message) {
        super(message);
    }
}
