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
}
