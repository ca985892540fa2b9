package io.fjord.log.cleaner;

import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.PartitionLogs;
import io.fjord.log.TestRecords;
import io.fjord.log.TopicPartition;
import io.fjord.log.segment.SegmentFiles;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cleaning pass stopped at each step of a segment swap (the hook throws, the engine is then
 * reopened with or without a clean shutdown): leftover {@code .cleaned} files are deleted and the
 * old segment serves; a {@code .swap} is completed; either way the log is whole and consistent.
 */
class InterruptedSwapTest {
    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(10_000_000);

    /** Thrown by a test's cleaner hook to stop a pass at a chosen step (SegmentMergeTest uses it too). */
    static final class Stop extends RuntimeException {
        Stop(CleanerHook.Point point) {
            super("stopped at " + point);
        }
    }

    @ParameterizedTest
    @EnumSource(CleanerHook.Point.class)
    void aPassStoppedAtAnyStepLeavesALogThatReopensConsistent(CleanerHook.Point stopAt) throws IOException {
        for (boolean cleanShutdown : new boolean[] {true, false}) {
            Path data = dir.resolve(stopAt + "-" + cleanShutdown);
            TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
            long cleanedBelow;
            Path partitionDir = data.resolve(new TopicPartition(CompactionTest.TOPIC, 0).directoryName());
            try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(data, now).build())) {
                engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
                Partition p = engine.partition(CompactionTest.TOPIC, 0);
                for (int i = 0; i < 300; i++) {
                    long offset = p.append(bytes("k" + (i % 9)), bytes("v" + i), 1000 + i);
                    written.put(offset, new CompactedLogCheck.Written(offset, "k" + (i % 9), "v" + i));
                }
                cleanedBelow = PartitionLogs.of(p).activeSegment().baseOffset();
                engine.cleaner().hook((point, base) -> {
                    if (point == stopAt && base > 0) { // the second segment: the first is already swapped
                        throw new Stop(point);
                    }
                });
                assertThrows(Stop.class, engine::cleanLogsNow);
                assertEquals(expectedLeftover(stopAt), leftovers(partitionDir), "files after stopping at " + stopAt);
                // Readers are unaffected by a stopped pass.
                CompactedLogCheck.verify(p, written, 0, cleanedBelow, true);
                if (!cleanShutdown) {
                    PartitionLogs.of(p).flush();
                }
            }
            if (!cleanShutdown) {
                assertTrue(data.resolve(LogEngine.CLEAN_SHUTDOWN_FILE).toFile().delete());
            }
            try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(data, now).build())) {
                assertEquals(List.of(), leftovers(partitionDir), "no cleaner files after open");
                Partition p = engine.partition(CompactionTest.TOPIC, 0);
                List<TestRecords.Read> read = CompactedLogCheck.verify(p, written, 0, cleanedBelow, true);
                CompactedLogCheck.verifyEveryOffset(p, read);
                assertEquals(300, p.latestOffset());
                // The next pass finishes the job.
                engine.cleanLogsNow();
                CompactedLogCheck.verify(p, written, cleanedBelow, true);
            }
        }
    }

    /**
     * Which cleaner log files the stop leaves behind ({@code .deleted} ones are not counted: the
     * retirement of segments swapped earlier deletes them asynchronously).
     */
    private static List<String> expectedLeftover(CleanerHook.Point point) {
        return switch (point) {
            // An exception (unlike a crash) lets the pass delete its half-made segment.
            case CLEANED_WRITTEN -> List.of();
            // From here on the swap is committed: the files stay for the next open to complete.
            case SWAP_FILES_CREATED, OLD_SEGMENT_RENAMED -> List.of(".log.swap");
            case SEGMENT_SWAPPED -> List.of();
        };
    }

    private static List<String> leftovers(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".log" + SegmentFiles.CLEANED_SUFFIX)
                            || n.endsWith(".log" + SegmentFiles.SWAP_SUFFIX))
                    .map(n -> n.substring(20))
                    .sorted()
                    .toList();
        }
    }

    @org.junit.jupiter.api.Test
    void strayIndexSwapFilesWithoutALogSwapAreDeleted() throws IOException {
        Path partitionDir = dir.resolve(new TopicPartition(CompactionTest.TOPIC, 0).directoryName());
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            for (int i = 0; i < 50; i++) {
                p.append(bytes("k" + i), bytes("v" + i), 1000);
            }
        }
        Path index = SegmentFiles.indexFile(partitionDir, 0);
        Files.copy(index, SegmentFiles.withSuffix(index, SegmentFiles.SWAP_SUFFIX));
        Files.writeString(SegmentFiles.withSuffix(SegmentFiles.logFile(partitionDir, 0), SegmentFiles.CLEANED_SUFFIX),
                "torn");
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            assertEquals(50, TestRecords.readAll(engine.partition(CompactionTest.TOPIC, 0), 0).size());
        }
        try (Stream<Path> files = Files.list(partitionDir)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".swap") || f.toString().endsWith(".cleaned")));
        }
    }
}
