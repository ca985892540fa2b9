package io.fjord.client;

import io.fjord.log.LogReader;

/**
 * What a consumer knows about one assigned partition: its position (null until resolved from a
 * committed offset or the reset policy), whether it is paused, and the reader that fetches it.
 * Not thread-safe: owned by the consumer's polling thread.
 */
final class PartitionState {
    Long position;
    boolean paused;
    /** Opened lazily at the first fetch; reused while positions stay sequential. */
    LogReader reader;

    /** Drops the reader and what it fetched; the next fetch opens a new one at the position. */
    void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
