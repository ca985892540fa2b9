package io.fjord.log;

import io.fjord.log.simdisk.CrashImage;
import io.fjord.log.simdisk.PowerLossDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.fjord.log.TestRecords.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fsync bugs {@link PowerLossTest} found, each pinned by a deterministic power loss on a
 * {@link PowerLossDisk}: what the random workload found at one seed and crash point, replayed
 * here with the exact fates that expose it.
 */
class PowerLossRegressionTest {
    @TempDir
    Path tmp;

    private PowerLossDisk disk() throws IOException {
        Files.createDirectory(tmp.resolve("disk"));
        Files.createDirectory(tmp.resolve("disk").resolve("data"));
        return new PowerLossDisk(tmp.resolve("disk"), 1, point -> false);
    }

    private static EngineConfig config(Path dataDir) {
        return EngineConfig.builder(dataDir).writerThreads(1).recoveryThreads(1).build();
    }

    private static TopicConfig smallSegments(boolean sync) {
        TopicConfig config = TopicConfig.of(Map.of(TopicConfig.SEGMENT_BYTES, "300", TopicConfig.SEGMENT_INDEX_BYTES,
                "480", TopicConfig.INDEX_INTERVAL_BYTES, "50"));
        return sync ? config.with(TopicConfig.DURABILITY, "sync") : config;
    }

    private LogEngine openImage(CrashImage image) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("image"));
        image.writeTo(dir);
        return LogEngine.open(config(dir.resolve("data")));
    }

    /**
     * Seed -8291543775953305914, point 188: deleteTopic removed the partition directories and then
     * the topic's metadata file durably, but never fsynced the data directory in between; after
     * power loss the (empty) directory was back without metadata and the next start adopted it as
     * a topic.
     */
    @Test
    void aDeletedTopicStaysDeleted() throws IOException {
        PowerLossDisk disk = disk();
        try (LogEngine engine = LogEngine.open(config(disk.path("data")))) {
            engine.createTopic("kept", 1, smallSegments(false));
            engine.createTopic("gone", 1, smallSegments(false));
            engine.partition("gone", 0).appendBatch(batch(0, 3, 1_000));
            engine.partition("gone", 0).flush();
            engine.deleteTopic("gone");
            try (LogEngine reopened = openImage(disk.crashNow(PowerLossDisk.Fates.DURABLE_ONLY))) {
                assertEquals(java.util.Set.of("kept"), reopened.topics());
            }
        }
    }

    /**
     * Seed -3327848945778975029, point 125: a durability=sync append was acknowledged after an
     * fsync of its segment, but the partition directory was never fsynced, so the segment's name
     * (created with the topic, or by a roll) was not durable and the acknowledged records were lost.
     */
    @Test
    void acknowledgedSyncAppendsSurviveInNewAndRolledSegments() throws IOException {
        PowerLossDisk disk = disk();
        try (LogEngine engine = LogEngine.open(config(disk.path("data")))) {
            engine.createTopic("sync", 1, smallSegments(true));
            Partition partition = engine.partition("sync", 0);
            for (int i = 0; i < 10; i++) {
                partition.appendBatch(batch(i * 3, 3, 1_000 + i)); // returns once acknowledged: fsynced
            }
            assertTrue(engine.partition("sync", 0).log().segmentCount() > 2, "the segments must roll");
            try (LogEngine reopened = openImage(disk.crashNow(PowerLossDisk.Fates.DURABLE_ONLY))) {
                List<TestRecords.Read> records = TestRecords.readAll(reopened.partition("sync", 0), 0);
                assertEquals(30, records.size());
                for (int i = 0; i < 30; i++) {
                    assertEquals(i, records.get(i).offset());
                    assertEquals("v" + i, records.get(i).value());
                }
            }
        }
    }

    /**
     * Seed 4793588406211195518, point 528: the unsynced data of the first segment was lost while
     * later segments' data reached the disk; recovery kept the empty first segment and the later
     * ones, and served offsets 10.. after a log start of 0, a hole. Now the log ends where the
     * first segment does.
     */
    @Test
    void noHoleWhenAnEarlierSegmentLostItsUnsyncedTail() throws IOException {
        PowerLossDisk disk = disk();
        try (LogEngine engine = LogEngine.open(config(disk.path("data")))) {
            engine.createTopic("os", 1, smallSegments(false));
            Partition partition = engine.partition("os", 0);
            for (int i = 0; i < 10; i++) {
                partition.appendBatch(batch(i * 3, 3, 1_000 + i)); // not fsynced: default durability
            }
            assertTrue(partition.log().segmentCount() > 2, "the segments must roll");
            PowerLossDisk.Fates firstSegmentLost = new PowerLossDisk.Fates() {
                @Override
                public int keptOperations(String directory, int pending) {
                    return pending; // every name survives
                }

                @Override
                public byte[] content(String file, byte[] durable, byte[] current) {
                    return file.endsWith("/00000000000000000000.log") ? durable : current;
                }
            };
            try (LogEngine reopened = openImage(disk.crashNow(firstSegmentLost))) {
                Partition recovered = reopened.partition("os", 0);
                assertEquals(0, recovered.earliestOffset());
                assertEquals(0, recovered.latestOffset(), "the log must end where its first segment's data does");
                assertFalse(recovered.read(0, 1024).sizeBytes() > 0);
            }
        }
    }

    /**
     * Seed -1403892466369554287, point 1020 (after a clean close): an index evicted from the
     * mapping cache ({@code maxMappedSegments}) before its segment rolled was never made durable
     * (its flush did nothing while unmapped, though its entries were still dirty in the page
     * cache), nor was the active segment's at close; the next start, clean, trusted the torn index
     * and an offset lookup landed on garbage. Here the unsynced index content is torn in its first
     * entry only, so the index passes the sanity checks of a clean start
     * (as the seed's did).
     */
    @Test
    void indexesTrustedByACleanStartWereMadeDurable() throws IOException {
        PowerLossDisk disk = disk();
        EngineConfig fewMappings = EngineConfig.builder(disk.path("data")).writerThreads(1).recoveryThreads(1)
                .maxMappedSegments(1).build();
        Partition partition;
        try (LogEngine engine = LogEngine.open(fewMappings)) {
            engine.createTopic("t", 2, smallSegments(false));
            for (int i = 0; i < 24; i++) {
                // Alternating partitions: each append maps one partition's indexes and evicts the other's.
                engine.partition("t", i % 2).appendBatch(batch(i * 3, 3, 1_000 + i));
            }
            partition = engine.partition("t", 0);
            assertTrue(partition.log().segmentCount() > 2, "the segments must roll");
        }
        PowerLossDisk.Fates tornFirstEntry = new PowerLossDisk.Fates() {
            @Override
            public int keptOperations(String directory, int pending) {
                return pending;
            }

            @Override
            public byte[] content(String file, byte[] durable, byte[] current) {
                if (!file.endsWith(".index") || current.length < 16) {
                    return current;
                }
                byte[] torn = current.clone();
                // The first entry torn into one that passes every sanity check (relative offsets and
                // positions still increase, inside the log) but points into the middle of a batch.
                byte[] plausible = {0, 0, 0, 1, 0, 0, 0, 7};
                System.arraycopy(plausible, 0, torn, 0, plausible.length);
                return torn;
            }
        };
        try (LogEngine reopened = openImage(disk.crashNow(tornFirstEntry))) {
            for (int p = 0; p < 2; p++) {
                List<TestRecords.Read> records = TestRecords.readAll(reopened.partition("t", p), 0);
                assertEquals(36, records.size());
                for (TestRecords.Read record : records) {
                    // Every offset found through the offset index: a garbage entry lands elsewhere.
                    java.nio.ByteBuffer region = java.nio.ByteBuffer.allocate(64 * 1024);
                    FileRegion found = reopened.partition("t", p).read(record.offset(), 1);
                    found.readInto(region);
                    region.flip();
                    io.fjord.log.record.RecordBatch first = new io.fjord.log.record.RecordBatch().wrap(region, 0);
                    assertTrue(first.baseOffset() <= record.offset() && record.offset() <= first.lastOffset(),
                            "the lookup of offset " + record.offset() + " of partition " + p + " lands on batch "
                                    + first.baseOffset() + ".." + first.lastOffset());
                }
            }
        }
    }
}
