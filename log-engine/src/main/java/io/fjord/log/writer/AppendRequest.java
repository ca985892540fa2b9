package io.fjord.log.writer;

import io.fjord.log.FjordException;
import io.fjord.log.partition.PartitionLog;

import java.nio.ByteBuffer;

/**
 * One unit of work for a partition writer: batches to append to a log, or (with a null log) a
 * barrier that completes once every request queued before it is done.
 */
final class AppendRequest {
    final PartitionLog log;
    final ByteBuffer records;
    final int leaderEpoch;
    final AppendCallback callback;
    long baseOffset = -1;
    long lastOffset = -1;

    AppendRequest(PartitionLog log, ByteBuffer records, int leaderEpoch, AppendCallback callback) {
        this.log = log;
        this.records = records;
        this.leaderEpoch = leaderEpoch;
        this.callback = callback;
    }

    void succeed() {
        callback.onComplete(baseOffset, lastOffset, null);
    }

    void fail(FjordException error) {
        callback.onComplete(-1, -1, error);
    }
}
