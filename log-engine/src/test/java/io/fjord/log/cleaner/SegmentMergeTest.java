package io.fjord.log.cleaner;

import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.PartitionLogs;
import io.fjord.log.TestRecords;
import io.fjord.log.TopicPartition;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.segment.SegmentFiles;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adjacent segments that compaction shrank are merged into one during the swap, bounded by
 * {@code segment.bytes}, and a merge stopped at any step reopens into a consistent log.
 */
@Timeout(120)
class SegmentMergeTest {
    private static final int SEGMENT_BYTES = 1024;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(10_000_000);

    private static long append(Partition p, TreeMap<Long, CompactedLogCheck.Written> written, String key, String value) {
        long offset = p.append(bytes(key), bytes(value), 1_000 + written.size());
        written.put(offset, new CompactedLogCheck.Written(offset, key, value));
        return offset;
    }

    /** Segments cover disjoint, increasing offset ranges and none exceeds segment.bytes. */
    private static void assertSegmentsDisjoint(Partition p) {
        List<LogSegment> segments = PartitionLogs.of(p).segments();
        for (int i = 0; i < segments.size(); i++) {
            assertTrue(segments.get(i).sizeBytes() <= SEGMENT_BYTES, "segment " + i + " holds "
                    + segments.get(i).sizeBytes() + " bytes");
            if (i > 0) {
                assertTrue(segments.get(i - 1).nextOffset() <= segments.get(i).baseOffset(),
                        "segment " + (i - 1) + " overlaps segment " + i);
            }
        }
    }

    @Test
    void aLogWithFewLiveKeysEndsWithFewSegmentsAfterManyPasses() {
        long seed = TestSeeds.seed("aLogWithFewLiveKeysEndsWithFewSegmentsAfterManyPasses");
        Random random = new Random(seed);
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        long cleanedBelow = 0;
        int maxSegments = 0;
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            for (int round = 0; round < 12; round++) {
                for (int i = 0; i < 250; i++) {
                    append(p, written, "k" + random.nextInt(6), "v" + written.size());
                }
                maxSegments = Math.max(maxSegments, PartitionLogs.of(p).segmentCount());
                cleanedBelow = PartitionLogs.of(p).activeSegment().baseOffset();
                engine.cleanLogsNow();
                CompactedLogCheck.verify(p, written, cleanedBelow, true);
                assertSegmentsDisjoint(p);
            }
            // Each pass groups segments by their size before cleaning, so what a pass shrank
            // merges in the next one (as in Kafka): with no new data a few passes finish it.
            for (int pass = 0; pass < 5 && engine.cleanLogsNow() > 0; pass++) {
                CompactedLogCheck.verify(p, written, cleanedBelow, true);
                assertSegmentsDisjoint(p);
            }
            int segments = PartitionLogs.of(p).segmentCount();
            assertTrue(maxSegments > 20, "seed " + seed + ": the log had many segments: " + maxSegments);
            // Six live keys fit one segment, plus at most the few the last appends rolled.
            assertTrue(segments <= 6, "seed " + seed + ": " + segments + " segments after merging");
            CompactedLogCheck.verifyEveryOffset(p, CompactedLogCheck.verify(p, written, cleanedBelow, true));
            assertEquals(written.lastKey() + 1, p.latestOffset());
        }
        assertTrue(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE).toFile().delete());
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            CompactedLogCheck.verifyEveryOffset(p, CompactedLogCheck.verify(p, written, cleanedBelow, true));
            assertSegmentsDisjoint(p);
        }
    }

    @Test
    void segmentsMergeOnlyWhileTheyFitSegmentBytes() {
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            // Distinct keys: compaction removes nothing, so full segments cannot merge.
            for (int i = 0; i < 300; i++) {
                append(p, written, "unique-" + i, "v");
            }
            int before = PartitionLogs.of(p).segmentCount();
            assertEquals(0, engine.cleanLogsNow(), "nothing to remove and nothing fits together");
            assertEquals(before, PartitionLogs.of(p).segmentCount());
        }
    }

    @ParameterizedTest
    @EnumSource(CleanerHook.Point.class)
    void aMergeStoppedAtAnyStepReopensConsistent(CleanerHook.Point stopAt) throws IOException {
        for (boolean cleanShutdown : new boolean[] {true, false}) {
            Path data = dir.resolve(stopAt + "-" + cleanShutdown);
            Path partitionDir = data.resolve(new TopicPartition(CompactionTest.TOPIC, 0).directoryName());
            TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
            long cleanedBelow;
            int segmentsBeforeMerge;
            try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(data, now).build())) {
                engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted());
                Partition p = engine.partition(CompactionTest.TOPIC, 0);
                for (int i = 0; i < 400; i++) {
                    append(p, written, "k" + (i % 4), "v" + i);
                }
                engine.cleanLogsNow(); // full segments: cleaned one by one, each now tiny
                // New keys: the old keys' last records, at the end of the tiny segments, survive,
                // so the merged segment spans (nearly) the whole group it replaces.
                for (int i = 0; i < 40; i++) {
                    append(p, written, "n" + i, "w" + i);
                }
                cleanedBelow = PartitionLogs.of(p).activeSegment().baseOffset();
                segmentsBeforeMerge = PartitionLogs.of(p).segmentCount();
                assertTrue(segmentsBeforeMerge > 5, "segments: " + segmentsBeforeMerge);
                engine.cleaner().hook((point, base) -> {
                    if (point == stopAt && base == 0) { // the first group: several tiny segments
                        throw new InterruptedSwapTest.Stop(point);
                    }
                });
                assertThrows(InterruptedSwapTest.Stop.class, engine::cleanLogsNow);
                CompactedLogCheck.verify(p, written, 0, cleanedBelow, true);
                if (!cleanShutdown) {
                    PartitionLogs.of(p).flush();
                }
            }
            if (!cleanShutdown) {
                assertTrue(data.resolve(LogEngine.CLEAN_SHUTDOWN_FILE).toFile().delete());
            }
            try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(data, now).build())) {
                assertFalse(hasCleanerFiles(partitionDir), "no cleaner files after open");
                Partition p = engine.partition(CompactionTest.TOPIC, 0);
                assertSegmentsDisjoint(p);
                List<TestRecords.Read> read = CompactedLogCheck.verify(p, written, 0, cleanedBelow, true);
                CompactedLogCheck.verifyEveryOffset(p, read);
                if (stopAt != CleanerHook.Point.CLEANED_WRITTEN) {
                    assertTrue(PartitionLogs.of(p).segmentCount() < segmentsBeforeMerge,
                            "the merge was committed at " + stopAt);
                }
                engine.cleanLogsNow();
                CompactedLogCheck.verify(p, written, cleanedBelow, true);
                assertSegmentsDisjoint(p);
            }
        }
    }

    private static boolean hasCleanerFiles(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.map(f -> f.getFileName().toString())
                    .anyMatch(n -> n.endsWith(SegmentFiles.CLEANED_SUFFIX) || n.endsWith(SegmentFiles.SWAP_SUFFIX));
        }
    }
}
