package io.fjord.log.record;

/**
 * Outcome of {@link RecordBatch#validate(int, int)}. A result enum rather than exceptions because an invalid or
 * partial batch is an expected event (recovery after a crash, a torn write, a bad client), not an exceptional one.
 *
 * <p>Thread safety: immutable.
 */
public enum BatchValidation {
    /** Every header-level check passed, including the CRC. */
    VALID,
    /** Fewer bytes are available than {@code LOG_OVERHEAD}, {@code HEADER_SIZE} or the declared batch size. */
    TRUNCATED,
    /** {@code batchLength < HEADER_SIZE - LOG_OVERHEAD}, or the batch is larger than the allowed maximum. */
    INVALID_LENGTH,
    /** The magic byte is not 2. */
    INVALID_MAGIC,
    /** The stored CRC-32C does not match the bytes from {@code attributes} to the end of the batch. */
    INVALID_CRC,
    /** {@code lastOffsetDelta + 1 != recordsCount}, or {@code recordsCount < 0}. */
    INVALID_RECORD_COUNT;

    public boolean isValid() {
        return this == VALID;
    }
}
