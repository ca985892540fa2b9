package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Index files whose length is not a whole number of entries (issue 11, point 7): indexes are
 * derived data, so the engine rebuilds them from the log, logs and counts it, and starts.
 */
class OddLengthIndexTest {
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of(Map.of(
            "segment.bytes", "1024", "index.interval.bytes", "128"));
    private static final int BATCHES = 40;
    private static final long FIRST_TIMESTAMP_MS = 1_000;

    @TempDir
    Path dir;

    @Test
    void oddLengthIndexesAreRebuiltAfterACleanStop() throws IOException {
        fill();
        int segments = truncateEveryIndexToAnOddLength();
        assertAllRecordsReadableAndCounted(segments);
        // The rebuilt files are whole again: the next clean start trusts them.
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(0, engine.metrics().indexesRebuilt());
        }
    }

    @Test
    void oddLengthIndexesAreRebuiltAfterACrash() throws IOException {
        fill();
        int segments = truncateEveryIndexToAnOddLength();
        Files.delete(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
        assertAllRecordsReadableAndCounted(segments);
    }

    private void fill() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, SMALL_SEGMENTS);
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < BATCHES; i++) {
                p.appendBatch(TestRecords.batch(i * 3, 3, FIRST_TIMESTAMP_MS + i));
            }
        }
    }

    /** .index to 7 bytes, .timeindex to 5 (as found by the corruption tests); returns the segment count. */
    private int truncateEveryIndexToAnOddLength() throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir.resolve("t-0"))) {
            logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(logs.size() > 3, "expected several segments, got " + logs);
        for (Path log : logs) {
            truncate(Path.of(log.toString().replace(".log", ".index")), 7);
            truncate(Path.of(log.toString().replace(".log", ".timeindex")), 5);
        }
        return logs.size();
    }

    private static void truncate(Path file, int lengthBytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() < lengthBytes) {
                raf.setLength(lengthBytes); // an empty index of the active segment: give it odd garbage
            }
            raf.setLength(lengthBytes);
        }
    }

    private void assertAllRecordsReadableAndCounted(int segments) {
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertEquals(BATCHES * 3, p.latestOffset());
            List<TestRecords.Read> all = TestRecords.readAll(p, 0);
            assertEquals(BATCHES * 3, all.size());
            for (int offset = 0; offset < BATCHES * 3; offset++) {
                TestRecords.Read first = TestRecords.readAll(p, offset).get(0);
                assertEquals(offset, first.offset());
                assertEquals("v" + offset, first.value());
            }
            for (int i = 0; i < BATCHES; i++) {
                assertEquals(i * 3L, p.offsetForTimestamp(FIRST_TIMESTAMP_MS + i), "batch " + i);
            }
            assertEquals(segments, engine.metrics().indexesRebuilt());
        }
    }
}
