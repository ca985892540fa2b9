package io.fjord.log;

import java.util.List;

/**
 * A produced batch that is intact (its CRC matches) but whose content Kafka's brokers refuse: a control batch
 * written by a client, a record count that disagrees with the records, malformed records, or records that break
 * a rule of the topic (no key on a compacted topic, a timestamp out of range). Kafka answers these with
 * {@code INVALID_RECORD}, or {@code INVALID_TIMESTAMP} when a timestamp was among the reasons.
 *
 * <p>When single records are at fault, {@link #recordErrors()} names each by its index in the batch (Kafka's
 * KIP-467 {@code record_errors}), so a client fails those records with their own message and knows the rest of
 * the batch was refused only for their company. Batch-level refusals carry no record errors.
 */
public class RecordValidationException extends InvalidRecordException {
    /** One refused record: its index in the batch (0-based, as sent) and why. */
    public record RecordError(int batchIndex, String message) {
        @Override
        public String toString() {
            // Kafka's own rendering, which its summary message quotes.
            return "RecordError(batchIndex=" + batchIndex + ", message='" + message + "')";
        }
    }

    private final List<RecordError> recordErrors;
    private final boolean invalidTimestamp;

    /** A refusal of the whole batch, with no record named. */
    public RecordValidationException(String message) {
        this(message, List.of(), false);
    }

    /**
     * @param recordErrors     the refused records, in batch order
     * @param invalidTimestamp whether a timestamp out of range is among the reasons (Kafka then answers
     *                         {@code INVALID_TIMESTAMP} for the batch)
     */
    public RecordValidationException(String message, List<RecordError> recordErrors, boolean invalidTimestamp) {
        super(message);
        this.recordErrors = List.copyOf(recordErrors);
        this.invalidTimestamp = invalidTimestamp;
    }

    public List<RecordError> recordErrors() {
        return recordErrors;
    }

    public boolean invalidTimestamp() {
        return invalidTimestamp;
    }
}
