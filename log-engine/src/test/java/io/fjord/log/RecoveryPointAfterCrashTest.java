package io.fjord.log;

import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.partition.PartitionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After a crash, the rescanned tail is not fsynced while loading (10,000 partitions would mean
 * 30,000 fsyncs before the first answer): the recovery point stays where the checkpoint had it,
 * as Kafka's does, so another crash rescans that tail again, and the next flush makes it durable
 * and moves the point (issue 11, point 13/14: restart time).
 */
class RecoveryPointAfterCrashTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    @Test
    void theRecoveryPointStaysAtTheCheckpointUntilTheNextFlush() throws IOException {
        try (PartitionLog log = open(0, true)) {
            for (int i = 0; i < 10; i++) {
                log.append(TestRecords.batch(i * 3, 3, 1_000 + i), 0);
            }
        }
        try (PartitionLog log = open(0, false)) { // a crash: the checkpoint still said 0
            assertEquals(30, log.logEndOffset());
            assertEquals(0, log.recoveryPoint(), "nothing rescanned counts as durable before a flush");
            log.flush();
            assertEquals(30, log.recoveryPoint());
        }
        try (PartitionLog log = open(12, false)) {
            assertEquals(12, log.recoveryPoint());
            assertEquals(30, log.logEndOffset());
        }
        try (PartitionLog log = open(12, true)) {
            assertEquals(30, log.recoveryPoint(), "a clean shutdown flushed everything");
        }
    }

    private PartitionLog open(long recoveryPoint, boolean cleanShutdown) throws IOException {
        return PartitionLog.open(dir.resolve(TP.directoryName()), TP, TopicConfig.defaults(), recoveryPoint, 0,
                cleanShutdown, FileIo.DEFAULT, MillisClock.SYSTEM, (segment, delayMs) -> { });
    }
}
