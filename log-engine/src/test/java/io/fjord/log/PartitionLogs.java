package io.fjord.log;

import io.fjord.log.partition.PartitionLog;

/** Lets tests in other packages (e.g. the cleaner's) reach a partition's log. */
public final class PartitionLogs {
    private PartitionLogs() {
    }

    public static PartitionLog of(Partition partition) {
        return partition.log();
    }
}
