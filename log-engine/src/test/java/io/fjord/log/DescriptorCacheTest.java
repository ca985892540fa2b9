package io.fjord.log;

import io.fjord.log.io.ProcessDescriptors;
import io.fjord.log.io.ResourceCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bounded cache of log-segment descriptors ({@code fjord.max.open.files}, issue 11 point 13):
 * many more partitions than descriptors, readers unaffected by evictions, and creation refused
 * whole when it would exhaust the process's descriptors.
 */
class DescriptorCacheTest {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final int MAX_OPEN_FILES = 16;
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of(Map.of(
            "segment.bytes", "1024", "index.interval.bytes", "128"));

    @TempDir
    Path dir;

    private EngineConfig config() {
        return EngineConfig.builder(dir).maxOpenFiles(MAX_OPEN_FILES).build();
    }

    @Test
    void manyMorePartitionsThanDescriptorsAreWrittenAndReadAcrossRestarts() throws IOException {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd (Linux)");
        int topics = 4;
        int partitionsPerTopic = 50; // 200 partitions, several segments each, 16 descriptors
        int rounds = 20;
        try (LogEngine engine = LogEngine.open(config())) {
            for (int t = 0; t < topics; t++) {
                engine.createTopic("t" + t, partitionsPerTopic, SMALL_SEGMENTS);
            }
            for (int round = 0; round < rounds; round++) {
                for (int t = 0; t < topics; t++) {
                    for (int p = 0; p < partitionsPerTopic; p++) {
                        engine.partition("t" + t, p).appendBatch(TestRecords.batch(round * 3, 3, 1_000 + round));
                    }
                }
                assertDescriptorsWithinBound("after write round " + round);
            }
            try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir.resolve("t0-0"), "*.log")) {
                int segments = 0;
                for (Path ignored : logs) {
                    segments++;
                }
                assertTrue(segments >= 2, "several segments per partition: " + segments);
            }
            assertAllReadable(engine, topics, partitionsPerTopic, rounds);
            assertTrue(engine.logFileCache().evictions() > 0, "the bound was reached");
        }
        try (LogEngine engine = LogEngine.open(config())) {
            assertAllReadable(engine, topics, partitionsPerTopic, rounds);
        }
        Files.delete(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE)); // as after kill -9
        try (LogEngine engine = LogEngine.open(config())) {
            assertDescriptorsWithinBound("after recovery");
            assertAllReadable(engine, topics, partitionsPerTopic, rounds);
        }
    }

    private void assertAllReadable(LogEngine engine, int topics, int partitionsPerTopic, int rounds)
            throws IOException {
        for (int t = 0; t < topics; t++) {
            for (int p = 0; p < partitionsPerTopic; p++) {
                Partition partition = engine.partition("t" + t, p);
                List<TestRecords.Read> all = TestRecords.readAll(partition, 0);
                assertEquals(rounds * 3, all.size(), partition.toString());
                for (int i = 0; i < all.size(); i++) {
                    assertEquals(i, all.get(i).offset());
                    assertEquals("v" + i, all.get(i).value());
                }
                assertEquals(3L * (rounds - 1), partition.offsetForTimestamp(1_000 + rounds - 1));
            }
            assertDescriptorsWithinBound("after reading topic t" + t);
        }
    }

    /** The bound is a number of files: log files open, plus the data directory's lock file. */
    private void assertDescriptorsWithinBound(String when) throws IOException {
        int open = descriptorsUnder(dir);
        assertTrue(open <= MAX_OPEN_FILES + 1, when + ": " + open + " descriptors under " + dir
                + ", bound " + MAX_OPEN_FILES + " + the lock file");
    }

    /**
     * A reader in the middle of a transfer keeps its file: the cache closes only descriptors with
     * no operation in flight. The target below stops the transfer after its first chunk and, while
     * the transfer is inside the file channel, makes every other partition open its file, far
     * beyond the bound; the transfer then goes on and delivers the region's exact bytes. A second
     * transfer of the same region after the pressure (its descriptor now evicted) reopens the file.
     */
    @Test
    void aTransferInFlightIsNotBrokenByEviction() throws IOException {
        try (LogEngine engine = LogEngine.open(config())) {
            engine.createTopic("big", 1, TopicConfig.defaults());
            engine.createTopic("others", 40, TopicConfig.defaults());
            Partition big = engine.partition("big", 0);
            for (int i = 0; i < 20; i++) {
                big.appendBatch(TestRecords.batchOfSize(10_000, 1_000 + i)); // 200 KB: many transfer chunks
            }
            FileRegion region = big.read(0, Integer.MAX_VALUE);
            assertTrue(region.sizeBytes() > 100_000);
            ByteBuffer expected = ByteBuffer.allocate(region.sizeBytes());
            region.readInto(expected);

            Runnable pressure = () -> {
                for (int p = 0; p < 40; p++) {
                    Partition other = engine.partition("others", p);
                    other.appendBatch(TestRecords.batch(0, 1, 1_000));
                    assertEquals(1, TestRecords.readAll(other, 0).size());
                }
            };
            CollectingChannel target = new CollectingChannel(region.sizeBytes(), pressure);
            long sent = 0;
            while (sent < region.sizeBytes()) {
                sent += region.transferTo(sent, target);
            }
            assertTrue(target.pressureApplied, "the pressure ran while the transfer was in flight");
            assertArrayEquals(expected.array(), target.received.array());
            assertTrue(engine.logFileCache().evictions() >= 40 - MAX_OPEN_FILES);

            CollectingChannel again = new CollectingChannel(region.sizeBytes(), () -> { });
            sent = 0;
            while (sent < region.sizeBytes()) {
                sent += region.transferTo(sent, again);
            }
            assertArrayEquals(expected.array(), again.received.array());
        }
    }

    /** A sink that runs {@code pressure} once, from inside its first write. */
    private static final class CollectingChannel implements WritableByteChannel {
        final ByteBuffer received;
        final Runnable pressure;
        boolean pressureApplied;

        CollectingChannel(int capacity, Runnable pressure) {
            this.received = ByteBuffer.allocate(capacity);
            this.pressure = pressure;
        }

        @Override
        public int write(ByteBuffer src) {
            if (!pressureApplied) {
                pressureApplied = true;
                pressure.run();
            }
            int n = src.remaining();
            received.put(src);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void creationThatWouldExhaustDescriptorsIsRefusedWhole() throws IOException {
        long limit = ProcessDescriptors.limit();
        assumeTrue(limit > 0 && limit < Integer.MAX_VALUE / 2, "needs a known descriptor limit");
        int tooMany = (int) limit + 1;
        EngineConfig unbounded = EngineConfig.builder(dir).maxOpenFiles(ResourceCache.UNBOUNDED)
                .maxPartitionsPerTopic(tooMany).build();
        try (LogEngine engine = LogEngine.open(unbounded)) {
            DescriptorHeadroomException refused = assertThrows(DescriptorHeadroomException.class,
                    () -> engine.createTopic("huge", tooMany, TopicConfig.defaults()));
            assertTrue(refused.getMessage().contains("ulimit -n"), refused.getMessage());
            assertFalse(engine.topics().contains("huge"));
            engine.createTopic("small", 2, TopicConfig.defaults());
            DescriptorHeadroomException grown = assertThrows(DescriptorHeadroomException.class,
                    () -> engine.createPartitions("small", tooMany));
            assertTrue(grown.getMessage().contains("fjord.max.open.files"), grown.getMessage());
            assertEquals(2, engine.partitionCount("small"));
            assertEquals(2, engine.metrics().creationsRefusedForDescriptors());
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "huge*")) {
            assertFalse(entries.iterator().hasNext(), "nothing of the refused topic is on disk");
        }
        assertFalse(Files.exists(dir.resolve("small-2")), "no partition of the refused growth is on disk");
        // With the cache, the same count keeps only the cache's room open: it is not refused
        // for descriptors (the count alone is checked, not created here, to keep the test small).
    }

    /** Open descriptors of this process that point into {@code directory}. */
    static int descriptorsUnder(Path directory) throws IOException {
        Path real = directory.toRealPath();
        int count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).startsWith(real)) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed between listing and reading: not open any more
                }
            }
        }
        return count;
    }
}
