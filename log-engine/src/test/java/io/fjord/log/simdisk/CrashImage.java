package io.fjord.log.simdisk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link PowerLossDisk} holds after losing power at one crash point: its directories and
 * files (paths relative to the disk's root, '/'-separated), and how many of the test's events
 * had been logged by then. {@code seed} and {@code point} name it for a replay.
 *
 * @param lostOperation the operation that the crash prevented (for the failure message)
 */
public record CrashImage(long seed, long point, String lostOperation, Set<String> directories,
                         Map<String, byte[]> files, int eventCount) {

    /** Writes the surviving state under {@code realDir} (an existing, empty directory of the platform). */
    public void writeTo(Path realDir) throws IOException {
        for (String dir : directories) { // sorted: parents first
            Files.createDirectories(realDir.resolve(dir));
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Files.write(realDir.resolve(file.getKey()), file.getValue());
        }
    }

    @Override
    public String toString() {
        return "crash point " + point + " (seed " + seed + ", lost: " + lostOperation + ")";
    }
}
