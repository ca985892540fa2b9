package io.fjord.log.record.compress;

/**
 * The compressed records section of a batch does not decode with the batch's codec: not a frame of that codec,
 * cut short, or failing the codec's own checks. The batch's CRC matched, so the bytes arrived as the producer
 * built them; they were garbage when built. Kafka answers {@code CORRUPT_MESSAGE}.
 *
 * <p>Thread safety: immutable once thrown.
 */
public final class UndecodableRecordsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UndecodableRecordsException(String message, Throwable cause) {
        super(message, cause);
    }
}
