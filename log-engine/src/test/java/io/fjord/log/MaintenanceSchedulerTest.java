package io.fjord.log;

import io.fjord.log.io.FileIo;
import io.fjord.log.segment.LogSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delayed deletion of retired segments: later while running, at once when shutting down, none left behind. */
class MaintenanceSchedulerTest {
    @TempDir
    Path dir;

    private LogSegment segment(long baseOffset) throws IOException {
        return LogSegment.create(dir, baseOffset, 4096, 1024 * 1024, FileIo.DEFAULT, 0);
    }

    @Test
    void aRetiredSegmentWaitsForItsDelayAndShutdownDeletesTheRest() throws IOException {
        MaintenanceScheduler maintenance = new MaintenanceScheduler(EngineConfig.builder(dir).build(), List::of);
        LogSegment waiting = segment(0);
        try {
            maintenance.retire(waiting, 3_600_000); // an hour: still there after shutdown
            assertTrue(Files.exists(waiting.logFile()), "a reader may still use it until the delay passes");
        } finally {
            maintenance.shutdown();
        }
        assertTrue(Files.exists(waiting.logFile()));
        assertNull(maintenance.deleteRetiredNow());
        assertFalse(Files.exists(waiting.logFile()), "close deletes what was waiting");

        LogSegment late = segment(10);
        maintenance.retire(late, 3_600_000); // after shutdown: no thread left to wait on
        assertFalse(Files.exists(late.logFile()), "deleted at once");
    }
}
