package io.fjord.log;

import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.partition.PartitionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data directory's own files: the lock, meta.properties, the clean-shutdown marker, the checkpoints. */
class DataDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void theLockKeepsASecondOwnerOutUntilReleased() throws IOException {
        DataDirectory first = DataDirectory.lock(dir.resolve("data"));
        try {
            LogStorageException refused = assertThrows(LogStorageException.class,
                    () -> DataDirectory.lock(dir.resolve("data")));
            assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
        } finally {
            first.releaseLock();
        }
        DataDirectory.lock(dir.resolve("data")).releaseLock(); // free again
    }

    @Test
    void metaPropertiesAreWrittenOnceAndKept() throws IOException {
        DataDirectory data = DataDirectory.lock(dir);
        try {
            data.writeMetaPropertiesIfMissing();
            String written = Files.readString(dir.resolve(LogEngine.META_PROPERTIES));
            assertTrue(written.contains("cluster.id="), written);
            data.writeMetaPropertiesIfMissing();
            assertEquals(written, Files.readString(dir.resolve(LogEngine.META_PROPERTIES)), "the cluster id is kept");
        } finally {
            data.releaseLock();
        }
    }

    @Test
    void theCleanShutdownMarkerCountsOnceThenAnyCrashIsUnclean() throws IOException {
        DataDirectory data = DataDirectory.lock(dir);
        try {
            assertFalse(data.takeCleanShutdownMarker(), "a new directory was not shut down cleanly");
            data.markCleanShutdown();
            assertTrue(data.takeCleanShutdownMarker());
            assertFalse(Files.exists(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE)), "taken: gone from the disk");
            assertFalse(data.takeCleanShutdownMarker());
        } finally {
            data.releaseLock();
        }
    }

    @Test
    void checkpointsRoundTripAndAnUnreadableOneCountsAsEmpty() throws IOException {
        DataDirectory data = DataDirectory.lock(dir);
        TopicPartition tp = new TopicPartition("t", 3);
        try (PartitionLog log = PartitionLog.open(dir.resolve(tp.directoryName()), tp, TopicConfig.defaults(), 0, 0,
                true, FileIo.DEFAULT, MillisClock.SYSTEM, (segment, delayMs) -> { })) {
            log.append(TestRecords.batch(0, 5, 1_000), 0);
            log.flush();
            log.deleteRecords(2);
            data.writeCheckpoints(List.of(log));
            assertEquals(Map.of(tp, 5L), data.readRecoveryPoints());
            assertEquals(Map.of(tp, 2L), data.readLogStartOffsets());

            Files.writeString(dir.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT), "not a checkpoint\n");
            assertEquals(Map.of(), data.readRecoveryPoints(), "a hint: recovery from 0 is safe");
        } finally {
            data.releaseLock();
        }
    }

    @Test
    void directoriesOfADeletionCutShortAreRemoved() throws IOException {
        Path leftover = Files.createDirectories(dir.resolve("gone-0" + LogEngine.DELETE_DIR_SUFFIX).resolve("sub"));
        Files.writeString(leftover.resolve("00000000000000000000.log"), "x");
        Path kept = Files.createDirectories(dir.resolve("kept-0"));
        DataDirectory data = DataDirectory.lock(dir);
        try {
            data.deleteLeftoverDeleteDirectories();
        } finally {
            data.releaseLock();
        }
        assertFalse(Files.exists(dir.resolve("gone-0" + LogEngine.DELETE_DIR_SUFFIX)));
        assertTrue(Files.isDirectory(kept));
    }
}
