package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An open that fails while loading partitions (here: one partition's segment is unusable) must
 * release what the other loaders had already opened: partitions load in parallel, and the logs of
 * a topic that never got registered are out of reach of the engine's own clean-up.
 */
class FailedOpenReleasesTest {
    @TempDir
    Path dir;

    @Test
    void aFailedLoadLeavesNoDescriptorInTheDataDirectory() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
        try (LogEngine engine = LogEngine.open(dir)) {
            for (String topic : new String[] {"a", "b", "c"}) {
                engine.createTopic(topic, 8);
                for (int p = 0; p < 8; p++) {
                    engine.partition(topic, p).appendBatch(TestRecords.batch(0, 3, 1_000));
                }
            }
        }
        // A directory where b-5's first segment file belongs: opening that partition fails.
        Path segment = dir.resolve("b-5").resolve("00000000000000000000.log");
        Files.delete(segment);
        Files.createDirectory(segment);

        assertThrows(LogStorageException.class, () -> LogEngine.open(dir));
        assertEquals(0, DescriptorCacheTest.descriptorsUnder(dir),
                "descriptors left open in the data directory after the refused open");
    }
}
