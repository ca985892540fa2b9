package io.fjord.log;

import io.fjord.log.segment.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch's base offset is outside its CRC, so a flipped bit there passes the CRC check. Recovery
 * must still cut the log at that batch (as for a bad CRC) instead of serving its records a million
 * offsets away: offsets continue exactly where the previous batch ended on a segment the cleaner
 * never rewrote, and always increase and stay below the next segment's base.
 */
class FlippedBaseOffsetRecoveryTest {
    /** Bit 20: a hole of 1,048,576 offsets. */
    private static final long FLIP = 1L << 20;
    private static final int RECORDS_PER_BATCH = 3;

    @TempDir
    Path dir;

    private Path partitionDir() {
        return dir.resolve("t-0");
    }

    private List<Long> segmentBases() throws IOException {
        try (Stream<Path> files = Files.list(partitionDir())) {
            return files.map(f -> SegmentFiles.baseOffsetOfLogFile(f.getFileName().toString()))
                    .filter(base -> base >= 0).sorted().toList();
        }
    }

    /** File positions of the batches in a segment's log file. */
    private static List<Long> batchPositions(Path logFile) throws IOException {
        List<Long> positions = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(12);
            long position = 0;
            while (position < channel.size()) {
                header.clear();
                channel.read(header, position);
                positions.add(position);
                position += 12 + header.getInt(8);
            }
        }
        return positions;
    }

    /** XORs {@code flip} into the base offset of the batch at {@code position}; returns the old base. */
    private static long flipBaseOffset(Path logFile, long position, long flip) throws IOException {
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer base = ByteBuffer.allocate(8);
            channel.read(base, position);
            long old = base.getLong(0);
            base.clear();
            base.putLong(0, old ^ flip);
            channel.write(base, position);
            return old;
        }
    }

    /** No clean shutdown marker and no recovery point: the next open rescans every segment. */
    private void crash() throws IOException {
        Files.deleteIfExists(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
        Files.deleteIfExists(dir.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT));
    }

    private int writeBatches(TopicConfig config, int batches) {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, config);
            Partition p = engine.partition("t", 0);
            for (int b = 0; b < batches; b++) {
                assertEquals((long) b * RECORDS_PER_BATCH,
                        p.appendBatch(TestRecords.batch(b * RECORDS_PER_BATCH, RECORDS_PER_BATCH, 1_000 + b)));
            }
            return p.log().segmentCount();
        }
    }

    /** Exactly records k0/v0 .. k{end-1}/v{end-1}, each at its own offset, and the log ends at {@code end}. */
    private static void assertServedExactlyUpTo(Partition p, long end) {
        assertEquals(end, p.latestOffset(), "log end offset");
        List<TestRecords.Read> read = TestRecords.readAll(p, 0);
        assertEquals(end, read.size());
        for (int i = 0; i < end; i++) {
            assertEquals(i, read.get(i).offset());
            assertEquals("v" + i, read.get(i).value(), "record at offset " + i);
        }
    }

    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of(Map.of("segment.bytes", "600"));

    @Test
    void aFlippedBaseOffsetInsideTheFirstSegmentCutsTheLogThere() throws IOException {
        assertTrue(writeBatches(SMALL_SEGMENTS, 30) > 3, "several segments");
        Path first = SegmentFiles.logFile(partitionDir(), 0);
        List<Long> positions = batchPositions(first);
        assertTrue(positions.size() >= 3);
        long flipped = flipBaseOffset(first, positions.get(2), FLIP);
        assertEquals(2 * RECORDS_PER_BATCH, flipped);
        crash();

        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertServedExactlyUpTo(p, flipped);
            assertEquals(List.of(0L), segmentBases(), "the segments after the cut are deleted");
            assertEquals(flipped, p.appendBatch(TestRecords.batch((int) flipped, 1, 5_000)), "appends continue there");
        }
    }

    @Test
    void aFlippedBaseOffsetOfALaterSegmentsFirstBatchCutsAtThatSegment() throws IOException {
        writeBatches(SMALL_SEGMENTS, 30);
        List<Long> bases = segmentBases();
        long third = bases.get(2);
        assertEquals(third, flipBaseOffset(SegmentFiles.logFile(partitionDir(), third), 0, FLIP));
        crash();

        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertServedExactlyUpTo(p, third);
            assertEquals(bases.subList(0, 3), segmentBases(), "the emptied segment stays as the active one");
        }
    }

    /**
     * On a compacted topic gaps are legal, so continuity is not required; a base offset flipped
     * upward in a segment that is not the last still reaches into the next segment's offsets.
     */
    @Test
    void onACompactedTopicABaseOffsetReachingTheNextSegmentIsCut() throws IOException {
        writeBatches(TopicConfig.of(Map.of("segment.bytes", "600", "cleanup.policy", "compact")), 30);
        Path first = SegmentFiles.logFile(partitionDir(), 0);
        List<Long> positions = batchPositions(first);
        long flipped = flipBaseOffset(first, positions.get(1), FLIP);
        crash();

        try (LogEngine engine = LogEngine.open(dir)) {
            assertServedExactlyUpTo(engine.partition("t", 0), flipped);
        }
    }

    /** And a base offset flipped downward breaks the increase on any log. */
    @Test
    void onACompactedTopicABaseOffsetGoingBackIsCut() throws IOException {
        writeBatches(TopicConfig.of(Map.of("segment.bytes", "600", "cleanup.policy", "compact")), 30);
        Path first = SegmentFiles.logFile(partitionDir(), 0);
        long flipped = flipBaseOffset(first, batchPositions(first).get(2), RECORDS_PER_BATCH * 2); // 6 -> 0
        assertEquals(6, flipped);
        crash();

        try (LogEngine engine = LogEngine.open(dir)) {
            assertServedExactlyUpTo(engine.partition("t", 0), flipped);
        }
    }

    /**
     * No false alarm: a compacted log has gaps where the cleaner dropped whole batches, and a full
     * rescan keeps every surviving record, with the cleaner's recorded bound and, for a directory
     * of an older version (no bound file, policy since switched to delete), from the cleaner
     * checkpoint.
     */
    @Test
    void aCleanedLogWithGapsRecoversWhole() throws IOException {
        List<TestRecords.Read> survivors;
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.bytes", "400", "cleanup.policy", "compact",
                    "min.cleanable.dirty.ratio", "0.01")));
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < 120; i++) {
                String key = i % 3 == 0 ? "unique" + i : "key" + (i % 4); // unique keys survive between dropped ones
                p.append(bytes(key), bytes("v" + i), 1_000 + i);
            }
            assertTrue(engine.cleanLogsNow() > 0, "the cleaner rewrote segments");
            survivors = TestRecords.readAll(p, 0);
            assertTrue(survivors.size() < 120);
            long gaps = survivors.get(0).offset();
            for (int i = 1; i < survivors.size(); i++) {
                gaps += survivors.get(i).offset() - survivors.get(i - 1).offset() - 1;
            }
            assertTrue(gaps > 0, "the cleaned log has gaps");
        }
        crash();
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(survivors, TestRecords.readAll(engine.partition("t", 0), 0));
            engine.alterTopicConfig("t", TopicConfig.of(Map.of("segment.bytes", "400")));
        }
        Files.delete(partitionDir().resolve("fjord-cleaned-below")); // as an older version left it
        crash();
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(survivors, TestRecords.readAll(engine.partition("t", 0), 0));
        }
    }
}
