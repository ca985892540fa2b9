package io.fjord.log;

import io.fjord.log.record.RecordBatch;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery after unclean shutdowns: torn tails, zero-filled tails, bit flips, lost indexes. */
class RecoveryTest {
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of(Map.of(
            "segment.bytes", "1024", "index.interval.bytes", "128"));

    @TempDir
    Path dir;

    private Path partitionDir() {
        return dir.resolve("t-0");
    }

    private List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(partitionDir())) {
            return files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
    }

    /** Appends batches of 3 records each; returns the base offset of every batch. */
    private List<Long> fill(int batches) {
        List<Long> bases = new ArrayList<>();
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, SMALL_SEGMENTS);
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < batches; i++) {
                bases.add(p.appendBatch(TestRecords.batch(i * 3, 3, 1000 + i)));
            }
        }
        return bases;
    }

    private void crash() throws IOException {
        Files.deleteIfExists(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
    }

    private static void assertRecordsUpTo(Partition p, long endOffset) {
        List<TestRecords.Read> all = TestRecords.readAll(p, p.earliestOffset());
        assertEquals(endOffset, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).offset());
            assertEquals("v" + i, all.get(i).value());
        }
    }

    @Test
    void recoversATornLastBatchCutAtEveryByte() throws IOException {
        List<Long> bases = fill(40);
        List<Path> segments = logFiles();
        assertTrue(segments.size() > 3, "expected several segments, got " + segments);
        Path last = segments.get(segments.size() - 1);
        byte[] original = Files.readAllBytes(last);
        int lastBatchSize = RecordBatch.sizeInBytes(ByteBuffer.wrap(original), lastBatchStart(original));
        int lastBatchStart = original.length - lastBatchSize;
        long lastBase = bases.get(bases.size() - 1);
        for (int cut = lastBatchStart; cut < original.length; cut++) {
            crash();
            Files.write(last, java.util.Arrays.copyOf(original, cut));
            try (LogEngine engine = LogEngine.open(dir)) {
                Partition p = engine.partition("t", 0);
                assertEquals(lastBase, p.latestOffset(), "cut at byte " + cut);
                assertRecordsUpTo(p, lastBase);
                assertEquals(lastBatchStart, Files.size(last), "cut at byte " + cut);
            }
        }
        // and the log takes appends again after all that
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(lastBase, engine.partition("t", 0).appendBatch(TestRecords.batch((int) lastBase, 3, 1)));
            assertRecordsUpTo(engine.partition("t", 0), lastBase + 3);
        }
    }

    private static int lastBatchStart(byte[] segment) {
        ByteBuffer buffer = ByteBuffer.wrap(segment);
        int position = 0;
        int last = 0;
        while (position < segment.length) {
            last = position;
            position += RecordBatch.sizeInBytes(buffer, position);
        }
        return last;
    }

    @Test
    void recoversAZeroFilledTail() throws IOException {
        List<Long> bases = fill(10);
        Path last = logFiles().get(logFiles().size() - 1);
        long validSize = Files.size(last);
        Files.write(last, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        crash();
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertEquals(bases.get(9) + 3, p.latestOffset());
            assertRecordsUpTo(p, 30);
        }
        assertEquals(validSize, Files.size(last));
    }

    @Test
    void aFlippedByteTruncatesAtThatBatchAndDropsEverythingAfter() throws IOException {
        long seed = TestSeeds.seed("aFlippedByteTruncatesAtThatBatchAndDropsEverythingAfter");
        Random random = new Random(seed);
        List<Long> bases = fill(60);
        List<Path> segments = logFiles();
        assertTrue(segments.size() >= 4);
        // flip a CRC-covered byte of a random batch in the second segment
        Path victim = segments.get(1);
        byte[] bytes = Files.readAllBytes(victim);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        List<Integer> starts = new ArrayList<>();
        for (int position = 0; position < bytes.length; position += RecordBatch.sizeInBytes(buffer, position)) {
            starts.add(position);
        }
        int batchIndex = random.nextInt(starts.size());
        int start = starts.get(batchIndex);
        int size = RecordBatch.sizeInBytes(buffer, start);
        int flipAt = start + 21 + random.nextInt(size - 21); // attributes..end is CRC-covered
        bytes[flipAt] ^= (byte) (1 << random.nextInt(8));
        Files.write(victim, bytes);
        long badBatchBase = new RecordBatch().wrap(buffer, start).baseOffset();
        crash();
        Files.delete(dir.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT)); // recover everything
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertEquals(badBatchBase, p.latestOffset(), "seed " + seed);
            assertRecordsUpTo(p, badBatchBase);
            assertEquals(2, logFiles().size(), "segments after the cut are deleted, seed " + seed);
            assertEquals(start, Files.size(victim), "seed " + seed);
            // new appends continue from the cut
            assertEquals(badBatchBase, p.appendBatch(TestRecords.batch((int) badBatchBase, 3, 1)));
        }
        assertTrue(bases.size() > 0);
    }

    @Test
    void cleanShutdownSkipsRecovery() throws IOException {
        fill(10);
        Path last = logFiles().get(logFiles().size() - 1);
        byte[] bytes = Files.readAllBytes(last);
        bytes[bytes.length - 1] ^= 1; // a CRC error recovery would cut; a clean start does not look
        Files.write(last, bytes);
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(30, engine.partition("t", 0).latestOffset());
        }
        crash();
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(27, engine.partition("t", 0).latestOffset());
        }
    }

    @Test
    void deletedIndexesAreRebuiltByteForByte() throws IOException {
        fill(40);
        List<Path> segments = logFiles();
        Map<Path, byte[]> originals = new java.util.HashMap<>();
        for (Path log : segments) {
            for (String suffix : new String[] {".index", ".timeindex"}) {
                Path index = Path.of(log.toString().replace(".log", suffix));
                originals.put(index, Files.readAllBytes(index));
                Files.delete(index);
            }
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            assertRecordsUpTo(engine.partition("t", 0), 120);
            assertEquals(120, engine.partition("t", 0).offsetForTimestamp(0) + 120);
        }
        for (Map.Entry<Path, byte[]> entry : originals.entrySet()) {
            assertArrayEquals(entry.getValue(), Files.readAllBytes(entry.getKey()), entry.getKey().toString());
        }
        assertTrue(originals.values().stream().anyMatch(bytes -> bytes.length > 0), "indexes had entries");
    }

    @Test
    void garbageIndexesAreDetectedAndRebuilt() throws IOException {
        long seed = TestSeeds.seed("garbageIndexesAreDetectedAndRebuilt");
        Random random = new Random(seed);
        fill(40);
        Map<Path, byte[]> originals = new java.util.HashMap<>();
        for (Path log : logFiles()) {
            for (String suffix : new String[] {".index", ".timeindex"}) {
                Path index = Path.of(log.toString().replace(".log", suffix));
                byte[] original = Files.readAllBytes(index);
                originals.put(index, original);
                byte[] garbage = new byte[original.length];
                random.nextBytes(garbage);
                Files.write(index, garbage);
            }
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertRecordsUpTo(p, 120);
            for (int offset = 0; offset < 120; offset += 7) {
                assertEquals(offset, TestRecords.readAll(p, offset).get(0).offset(), "seed " + seed);
            }
        }
        for (Map.Entry<Path, byte[]> entry : originals.entrySet()) {
            if (entry.getValue().length >= 16) { // a single random entry can pass as sane
                assertArrayEquals(entry.getValue(), Files.readAllBytes(entry.getKey()),
                        entry.getKey() + ", seed " + seed);
            }
        }
    }
}
