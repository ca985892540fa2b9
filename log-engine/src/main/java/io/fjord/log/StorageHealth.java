package io.fjord.log;

import io.fjord.log.writer.StorageOutcomeListener;

import java.nio.file.Path;

/**
 * Turns the writers' append outcomes into {@link EngineMetrics} and a few log lines: a full disk is
 * logged once when appends start failing with {@code ENOSPC} and once more when an append gets
 * through again (producers keep retrying, so the first success after space returns clears it);
 * other I/O errors are logged once per run of failures. Every failure is counted. The appends
 * themselves already fail at once (the broker answers KAFKA_STORAGE_ERROR); nothing here waits.
 *
 * <p>Writer threads only call in; the hot path ({@link #onWriteSucceeded()}) is one volatile read.
 */
final class StorageHealth implements StorageOutcomeListener {
    private static final System.Logger LOG = System.getLogger(StorageHealth.class.getName());
    /** strerror(ENOSPC), the message of the IOException a write, fsync or file creation throws. */
    static final String NO_SPACE = "No space left on device";

    private final Path dataDir;
    private final EngineMetrics metrics;
    /** Other I/O errors since the last success; logged on the first. */
    private volatile boolean failing;

    StorageHealth(Path dataDir, EngineMetrics metrics) {
        this.dataDir = dataDir;
        this.metrics = metrics;
    }

    @Override
    public void onStorageFailure(LogStorageException failure) {
        metrics.storageError();
        if (isNoSpace(failure)) {
            if (metrics.diskFull(true)) {
                LOG.log(System.Logger.Level.ERROR, "Disk full under {0}: appends fail with KAFKA_STORAGE_ERROR until"
                        + " space is freed; they resume by themselves then ({1})", dataDir, failure.getMessage());
            }
        } else if (!failing) {
            failing = true;
            LOG.log(System.Logger.Level.ERROR, "Appends under {0} fail with an I/O error (KAFKA_STORAGE_ERROR);"
                    + " further failures are only counted until one succeeds", dataDir, failure);
        }
    }

    @Override
    public void onWriteSucceeded() {
        if (metrics.diskFull() && metrics.diskFull(false)) {
            LOG.log(System.Logger.Level.WARNING, "Disk under {0} has space again: appends resumed", dataDir);
        }
        if (failing) {
            failing = false;
            LOG.log(System.Logger.Level.WARNING, "Appends under {0} succeed again", dataDir);
        }
    }

    static boolean isNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains(NO_SPACE)) {
                return true;
            }
        }
        return false;
    }
}
