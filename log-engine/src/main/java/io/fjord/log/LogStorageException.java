package io.fjord.log;

/**
 * A file operation failed (full disk, I/O error). The log stays consistent: a failed append is
 * rolled back; if even the rollback fails the partition goes offline and refuses further appends.
 */
public class LogStorageException extends FjordException {
    public LogStorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public LogStorageException(String message) {
        super(message);
    }
}
