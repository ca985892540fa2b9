package io.fjord.log.group;

import io.fjord.log.AppendTimeoutException;
import io.fjord.log.EngineClosedException;
import io.fjord.log.FjordException;
import io.fjord.log.LogStorageException;
import io.fjord.log.RecordTooLargeException;

/**
 * What a client is told when a {@code __consumer_offsets} append fails, following Kafka's
 * GroupMetadataManager, which maps the log's error to a coordinator error per kind of record:
 * a disk failure is NOT_COORDINATOR (Kafka's KAFKA_STORAGE_ERROR mapping: the client looks the
 * coordinator up again), a closed engine COORDINATOR_NOT_AVAILABLE (the coordinator is going
 * away), an oversized record INVALID_COMMIT_OFFSET_SIZE for commits and UNKNOWN_SERVER_ERROR for
 * group metadata. A writer whose queue is full, or an append that timed out, is Kafka's
 * REQUEST_TIMED_OUT: a commit passes it on (consumers retry it after finding the coordinator
 * again), a group-metadata store turns it into REBALANCE_IN_PROGRESS (the members rejoin), as
 * Kafka's storeGroup does.
 */
final class StorageErrors {
    private StorageErrors() {
    }

    /** The error of an OffsetCommit whose append failed ({@code error} null: the writer queue was full). */
    static GroupError forCommit(FjordException error) {
        if (error == null || error instanceof AppendTimeoutException) {
            return GroupError.REQUEST_TIMED_OUT;
        }
        if (error instanceof RecordTooLargeException) {
            return GroupError.INVALID_COMMIT_OFFSET_SIZE;
        }
        return common(error);
    }

    /** The error of a SyncGroup whose group-metadata append failed ({@code error} null: queue full). */
    static GroupError forGroupStore(FjordException error) {
        if (error == null || error instanceof AppendTimeoutException) {
            return GroupError.REBALANCE_IN_PROGRESS;
        }
        if (error instanceof RecordTooLargeException) {
            return GroupError.UNKNOWN_SERVER_ERROR;
        }
        return common(error);
    }

    /** The error of a DeleteGroups, OffsetDelete or retention pass whose tombstones failed. */
    static GroupError forTombstones(FjordException error) {
        if (error == null || error instanceof AppendTimeoutException) {
            return GroupError.REQUEST_TIMED_OUT;
        }
        return common(error);
    }

    private static GroupError common(FjordException error) {
        if (error instanceof EngineClosedException) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (error instanceof LogStorageException) {
            return GroupError.NOT_COORDINATOR;
        }
        return GroupError.UNKNOWN_SERVER_ERROR;
    }
}
