package io.fjord.log;

import java.util.List;

/**
 * A record without a key was appended to a compacted topic ({@code cleanup.policy} contains
 * {@code compact}), which keeps the last record per key and so needs one on every record. Kafka
 * answers this with INVALID_RECORD rather than CORRUPT_MESSAGE: the batch is intact, its content
 * is not allowed. The keyless records are named in {@link #recordErrors()}.
 */
public class KeylessRecordException extends RecordValidationException {
    public KeylessRecordException(String message, List<RecordError> recordErrors) {
        super(message, recordErrors, false);
    }
}
