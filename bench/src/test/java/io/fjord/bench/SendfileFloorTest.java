package io.fjord.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The floor probe moves every byte to both readers and reports sane numbers; never how fast. */
class SendfileFloorTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void bothReadersReceiveEveryPassAndTheFileIsRemoved() throws Exception {
        // measure() throws unless each reader received exactly passes x file size bytes.
        List<SendfileFloor.Result> results = SendfileFloor.measure(dir, 4_000_000, 3, 200_000_000);
        assertEquals(List.of(SendfileFloor.ReaderKind.DRAINING, SendfileFloor.ReaderKind.PACED),
                results.stream().map(SendfileFloor.Result::reader).toList());
        for (SendfileFloor.Result result : results) {
            assertEquals(3, result.cpuSecondsPerGb().size());
            assertTrue(result.medianCpuSecondsPerGb() > 0 && Double.isFinite(result.medianCpuSecondsPerGb()),
                    result.reader() + " CPU " + result.medianCpuSecondsPerGb());
            assertTrue(result.medianMegabytesPerSecond() > 0, result.reader() + " rate");
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "scratch file deleted");
        }
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> SendfileFloor.main(new String[] {"--passes", "0"}));
        assertThrows(IllegalArgumentException.class, () -> SendfileFloor.main(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> SendfileFloor.main(new String[] {"--file-mb"}));
    }
}
