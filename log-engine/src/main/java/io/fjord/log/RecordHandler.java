package io.fjord.log;

import io.fjord.log.record.RecordCursor;

/**
 * Receives records from a {@link LogReader}. The cursor is a flyweight over the reader's buffer,
 * valid only during the call: copy what must outlive it.
 */
@FunctionalInterface
public interface RecordHandler {
    void onRecord(RecordCursor record);
}
