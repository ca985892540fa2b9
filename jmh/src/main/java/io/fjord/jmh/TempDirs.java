package io.fjord.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary data directories for benchmarks. Created under {@code fjord.jmh.dir} (default
 * {@code java.io.tmpdir}) so a run can be pointed at the disk under test; always deleted in the
 * benchmark's {@code @TearDown}.
 */
final class TempDirs {
    private TempDirs() {
    }

    static Path create(String prefix) {
        try {
            Path parent = Path.of(System.getProperty("fjord.jmh.dir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
