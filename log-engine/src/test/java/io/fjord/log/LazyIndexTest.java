package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Indexes of older segments are not mapped after a clean restart until something reads them
 * (Kafka's LazyIndex; issue 11 point 13): a restart of many partitions maps only what the
 * active segments need, and a lookup in an old segment maps its indexes then, at their exact
 * length (they take no more entries), with the same answers as before.
 */
class LazyIndexTest {
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of(Map.of(
            "segment.bytes", "1024", "index.interval.bytes", "128"));
    private static final int BATCHES = 40;

    @TempDir
    Path dir;

    @Test
    void olderSegmentsIndexesAreMappedOnFirstUseOnly() throws IOException {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, SMALL_SEGMENTS);
            for (int i = 0; i < BATCHES; i++) {
                engine.partition("t", 0).appendBatch(TestRecords.batch(i * 3, 3, 1_000 + i));
            }
        }
        List<Path> logs = segmentLogs();
        assertTrue(logs.size() > 3, "several segments: " + logs);
        Path active = logs.get(logs.size() - 1);
        long oldIndexBytes = Files.size(indexOf(logs.get(0)));

        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(2, mappedIndexFiles(), "only the active segment's two indexes are mapped after a restart");
            assertTrue(isMapped(indexOf(active)));
            assertEquals(oldIndexBytes, Files.size(indexOf(logs.get(0))), "an old index is not preallocated");

            Partition p = engine.partition("t", 0);
            List<TestRecords.Read> all = TestRecords.readAll(p, 0);
            assertEquals(BATCHES * 3, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i, all.get(i).offset());
                assertEquals("v" + i, all.get(i).value());
            }
            assertTrue(isMapped(indexOf(logs.get(0))), "the first read mapped the oldest segment's offset index");
            for (int i = 0; i < BATCHES; i++) {
                assertEquals(3L * i, p.offsetForTimestamp(1_000 + i), "batch " + i);
            }
            assertEquals(oldIndexBytes, Files.size(indexOf(logs.get(0))), "mapped at its exact length");
            p.appendBatch(TestRecords.batch(BATCHES * 3, 3, 1_000 + BATCHES));
            assertEquals(BATCHES * 3 + 3, TestRecords.readAll(p, 0).size());
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(0, engine.metrics().indexesRebuilt(), "every index was left whole");
            assertEquals(BATCHES * 3 + 3, TestRecords.readAll(engine.partition("t", 0), 0).size());
        }
    }

    /**
     * Index mappings are bounded too ({@code fjord.max.mapped.segments}): Linux caps a process's
     * mappings, so idle segments' indexes are unmapped beyond the bound and mapped again on use,
     * with every lookup answered as before.
     */
    @Test
    void mappedIndexesStayWithinTheirBoundAcrossManyPartitions() throws IOException {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        int maxMappedSegments = 8;
        int partitions = 60;
        EngineConfig config = EngineConfig.builder(dir).maxMappedSegments(maxMappedSegments).maxOpenFiles(16).build();
        try (LogEngine engine = LogEngine.open(config)) {
            engine.createTopic("t", partitions, SMALL_SEGMENTS);
            for (int round = 0; round < 10; round++) {
                for (int p = 0; p < partitions; p++) {
                    engine.partition("t", p).appendBatch(TestRecords.batch(round * 3, 3, 1_000 + round));
                }
                assertTrue(mappedIndexFiles() <= 2 * maxMappedSegments, "round " + round + ": " + mappedIndexFiles());
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < partitions; p++) {
                    Partition partition = engine.partition("t", p);
                    List<TestRecords.Read> all = TestRecords.readAll(partition, 0);
                    assertEquals(30, all.size());
                    for (int i = 0; i < all.size(); i++) {
                        assertEquals("v" + i, all.get(i).value());
                    }
                    for (int round = 0; round < 10; round++) {
                        assertEquals(3L * round, partition.offsetForTimestamp(1_000 + round));
                    }
                }
                assertTrue(mappedIndexFiles() <= 2 * maxMappedSegments, "pass " + pass + ": " + mappedIndexFiles());
            }
            assertTrue(engine.indexMappingCache().evictions() > 0);
        }
        try (LogEngine engine = LogEngine.open(config)) {
            assertEquals(0, engine.metrics().indexesRebuilt(), "unmapping left every index whole");
            for (int p = 0; p < partitions; p++) {
                assertEquals(30, TestRecords.readAll(engine.partition("t", p), 0).size());
            }
        }
    }

    private List<Path> segmentLogs() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("t-0"))) {
            return files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
    }

    private static Path indexOf(Path log) {
        return Path.of(log.toString().replace(".log", ".index"));
    }

    private int mappedIndexFiles() throws IOException {
        String real = dir.toRealPath().toString();
        try (Stream<String> lines = Files.lines(MAPS)) {
            return (int) lines.filter(l -> l.contains(real) && (l.endsWith(".index") || l.endsWith(".timeindex")))
                    .map(l -> l.substring(l.indexOf('/'))).distinct().count();
        }
    }

    private static boolean isMapped(Path file) throws IOException {
        String real = file.toRealPath().toString();
        try (Stream<String> lines = Files.lines(MAPS)) {
            return lines.anyMatch(l -> l.endsWith(real));
        }
    }
}
