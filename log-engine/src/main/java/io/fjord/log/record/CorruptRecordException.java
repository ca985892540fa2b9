package io.fjord.log.record;

/**
 * A record inside a batch does not parse: a length runs past the batch, a length is negative where only
 * {@code -1} (null) is allowed, a varint is too long, or the record count disagrees with the bytes.
 *
 * <p>Unchecked because callers are expected to have run {@link RecordBatch#validate(int, int)} first; once the
 * CRC matched, a corrupt record means a writer produced bad bytes, which is a bug, not flow control.
 *
 * <p>Thread safety: immutable once thrown.
 */
public final class CorruptRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }
}
