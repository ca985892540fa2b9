package io.fjord.log.writer;

import io.fjord.log.LogStorageException;

/**
 * Told by the writer threads how appends to the disk went, so the engine can track its storage
 * health (a full disk, when it clears). Called on a writer thread: must be cheap and never block;
 * {@link #onWriteSucceeded()} runs once per append.
 */
public interface StorageOutcomeListener {
    StorageOutcomeListener NONE = new StorageOutcomeListener() {
        @Override
        public void onStorageFailure(LogStorageException failure) {
        }

        @Override
        public void onWriteSucceeded() {
        }
    };

    /** An append or its fsync failed with an I/O error; nothing of it was acknowledged. */
    void onStorageFailure(LogStorageException failure);

    /** An append reached the log. */
    void onWriteSucceeded();
}
