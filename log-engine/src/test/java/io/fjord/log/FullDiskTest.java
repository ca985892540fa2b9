package io.fjord.log;

import io.fjord.log.io.FileIo;
import io.fjord.log.segment.SegmentFiles;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Appends on a disk that fills up in the middle of a write ({@code ENOSPC} after a partial write),
 * and on one whose truncate fails too. Invariants: a failed append leaves no byte behind and does
 * not move the log end; earlier records stay readable; appends resume at the next offset once
 * there is space; a partition whose rollback failed goes offline but stays readable, and the next
 * open recovers exactly the acknowledged records.
 */
class FullDiskTest {
    private static final String NO_SPACE = "No space left on device";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------
    // The simulated disk

    /**
     * A {@link FileChannel} that forwards every call to a real one; fault tests override the calls
     * they break or count. Shared with {@link GroupCommitTest}.
     */
    static class DelegatingChannel extends FileChannel {
        protected final FileChannel delegate;

        DelegatingChannel(FileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return delegate.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return delegate.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }

    /**
     * The disk every segment file of one engine lives on. Armed, the next write stores only a
     * prefix of its buffer (or, garbled, all of it with the record bytes damaged) and from then on
     * every write fails with ENOSPC until {@link #free()}. Writes come from the partition writer
     * thread, arming from the test thread: hence the volatiles.
     */
    static final class Disk implements FileIo {
        /** Bytes the next write may store before the disk is full; -1: not armed. */
        private volatile int partialBudget = -1;
        /** Arm: the next write stores half of its buffer. */
        private volatile boolean halfWriteArmed;
        /** Arm: the next write stores all its bytes, damaged after the batch header, then fails (EIO). */
        private volatile boolean garbleArmed;
        private volatile boolean full;
        volatile boolean truncateFails;
        final AtomicInteger partialWrites = new AtomicInteger();
        final AtomicInteger failedWrites = new AtomicInteger();
        final AtomicInteger failedTruncates = new AtomicInteger();

        void fillAfterHalfOfNextWrite() {
            halfWriteArmed = true;
        }

        void fillAfter(int bytes) {
            partialBudget = bytes;
        }

        void garbleNextWrite() {
            garbleArmed = true;
        }

        void free() {
            full = false;
            halfWriteArmed = false;
            garbleArmed = false;
            partialBudget = -1;
            truncateFails = false;
        }

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            return new FaultyChannel(FileChannel.open(path, options), this);
        }

        int write(FileChannel delegate, ByteBuffer src, long position) throws IOException {
            if (full) {
                failedWrites.incrementAndGet();
                throw new IOException(NO_SPACE);
            }
            if (garbleArmed) {
                garbleArmed = false;
                full = true;
                ByteBuffer damaged = ByteBuffer.allocate(src.remaining());
                damaged.put(src.duplicate()).flip();
                // Past the 61-byte v2 header, so the length still chains: only a CRC check sees it.
                for (int i = 61; i < damaged.limit(); i++) {
                    damaged.put(i, (byte) ~damaged.get(i));
                }
                writeFully(delegate, damaged, position);
                failedWrites.incrementAndGet();
                throw new IOException("Input/output error");
            }
            int budget = halfWriteArmed ? src.remaining() / 2 : partialBudget;
            if (budget < 0) {
                return delegate.write(src, position);
            }
            halfWriteArmed = false;
            partialBudget = -1;
            full = true;
            int stored = Math.min(budget, src.remaining());
            ByteBuffer prefix = src.slice(src.position(), stored);
            writeFully(delegate, prefix, position);
            src.position(src.position() + stored);
            partialWrites.incrementAndGet();
            return stored; // a short write, like write(2) on a filling disk; the next call fails
        }

        void truncate(FileChannel delegate, long size) throws IOException {
            if (truncateFails) {
                failedTruncates.incrementAndGet();
                throw new IOException("Input/output error (truncate)");
            }
            delegate.truncate(size);
        }

        private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
            long at = position;
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
        }
    }

    private static final class FaultyChannel extends DelegatingChannel {
        private final Disk disk;

        FaultyChannel(FileChannel delegate, Disk disk) {
            super(delegate);
            this.disk = disk;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return disk.write(delegate, src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long position = delegate.position();
            int written = disk.write(delegate, src, position);
            delegate.position(position + written);
            return written;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException("the engine does not gather-write segments");
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            disk.truncate(delegate, size);
            return this;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private Path partitionDir() {
        return dir.resolve("t-0");
    }

    private Path firstLogFile() {
        return SegmentFiles.logFile(partitionDir(), 0);
    }

    private long logFilesBytes() throws IOException {
        try (Stream<Path> files = Files.list(partitionDir())) {
            long total = 0;
            for (Path file : files.filter(f -> f.toString().endsWith(SegmentFiles.LOG_SUFFIX)).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    private void crash() throws IOException {
        Files.deleteIfExists(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
    }

    /** Appends records "k{i}"/"v{i}" one per call and checks each lands at offset i. */
    private static void appendSingles(Partition p, int from, int to) {
        for (int i = from; i < to; i++) {
            assertEquals(i, p.append(bytes("k" + i), bytes("v" + i), 1_000 + i));
        }
    }

    /** The partition holds exactly "v0".."v{count-1}" at offsets 0..count-1. */
    private static void assertExactly(Partition p, int count) {
        assertEquals(count, p.latestOffset(), "log end offset");
        List<TestRecords.Read> all = TestRecords.readAll(p, 0);
        assertEquals(count, all.size(), "records read");
        for (int i = 0; i < count; i++) {
            assertEquals(i, all.get(i).offset());
            assertEquals("v" + i, all.get(i).value(), "value at offset " + i);
        }
    }

    private static LogStorageException assertStorageFailure(Runnable append, String expectedInMessage) {
        LogStorageException e = assertThrows(LogStorageException.class, append::run);
        assertTrue(e.getMessage().contains(expectedInMessage), "message: " + e.getMessage());
        return e;
    }

    // ---------------------------------------------------------------------------------------
    // Tests

    @Test
    void aFailedAppendLeavesNoTraceAndAppendsResumeWhenSpaceReturns() throws IOException {
        Disk disk = new Disk();
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).fileIo(disk).build())) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            appendSingles(p, 0, 10);
            long sizeBefore = Files.size(firstLogFile());

            disk.fillAfterHalfOfNextWrite();
            assertStorageFailure(() -> p.appendBatch(TestRecords.batch(10, 3, 2_000)), NO_SPACE);
            assertEquals(1, disk.partialWrites.get(), "the write stored half its batch before failing");
            assertEquals(10, p.latestOffset(), "the log end did not move");
            assertEquals(sizeBefore, Files.size(firstLogFile()), "the partial batch was cut off");
            assertEquals(sizeBefore, p.sizeBytes());
            assertExactly(p, 10);

            // Still full: every attempt fails cleanly.
            for (int attempt = 0; attempt < 3; attempt++) {
                assertStorageFailure(() -> p.append(bytes("k10"), bytes("v10"), 2_000), NO_SPACE);
                assertEquals(10, p.latestOffset());
                assertEquals(sizeBefore, Files.size(firstLogFile()));
            }

            disk.free();
            appendSingles(p, 10, 15);
            assertExactly(p, 15);
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            assertExactly(engine.partition("t", 0), 15);
        }
        crash();
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertExactly(p, 15);
            appendSingles(p, 15, 16);
        }
    }

    /**
     * A full disk is visible to an operator: the gauge is up while appends fail, every failure is
     * counted, and the gauge drops (one episode) once an append succeeds after space returns.
     */
    @Test
    void aFullDiskIsCountedAndClearsWhenSpaceReturns() {
        Disk disk = new Disk();
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).fileIo(disk).build())) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            appendSingles(p, 0, 3);
            EngineMetrics metrics = engine.metrics();
            assertFalse(metrics.diskFull());

            disk.fillAfter(0);
            for (int attempt = 0; attempt < 3; attempt++) {
                assertStorageFailure(() -> p.append(bytes("k3"), bytes("v3"), 2_000), NO_SPACE);
                assertTrue(metrics.diskFull(), "attempt " + attempt);
            }
            assertEquals(3, metrics.storageErrors());
            assertEquals(1, metrics.diskFullEpisodes(), "one episode however many failures");

            disk.free();
            appendSingles(p, 3, 5);
            assertFalse(metrics.diskFull(), "cleared by the first append after space returned");
            assertEquals(1, metrics.diskFullEpisodes());
            assertEquals(3, metrics.storageErrors());

            disk.fillAfter(0);
            assertStorageFailure(() -> p.append(bytes("k5"), bytes("v5"), 2_000), NO_SPACE);
            assertEquals(2, metrics.diskFullEpisodes(), "a second episode");
            disk.free();
            appendSingles(p, 5, 6);
            assertExactly(p, 6);
        }
    }

    @Test
    void aPartialWriteOfSeveralBatchesDropsThemAll() throws IOException {
        Disk disk = new Disk();
        ByteBuffer first = TestRecords.batch(10, 3, 2_000);
        ByteBuffer second = TestRecords.batchOfSize(600, 2_000);
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        both.put(first.duplicate()).put(second.duplicate()).flip();
        assertTrue(first.remaining() < both.remaining() / 2, "half the write must hold the whole first batch");
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).fileIo(disk).build())) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            appendSingles(p, 0, 10);
            long sizeBefore = Files.size(firstLogFile());

            disk.fillAfterHalfOfNextWrite();
            assertStorageFailure(() -> p.appendBatch(both), NO_SPACE);
            assertEquals(10, p.latestOffset(), "no batch of a failed append is published");
            assertEquals(sizeBefore, Files.size(firstLogFile()), "the whole first batch is cut off too");
            assertExactly(p, 10);

            disk.free();
            appendSingles(p, 10, 12);
        }
        crash();
        try (LogEngine engine = LogEngine.open(dir)) {
            assertExactly(engine.partition("t", 0), 12);
        }
    }

    /**
     * Random episodes of a full disk over small segments, so failures land on fresh segments right
     * after a roll as well as mid-segment, with partial writes of any length (0 bytes, inside the
     * header, inside the records).
     */
    @Test
    void randomFullDiskEpisodesKeepExactlyTheAcknowledgedRecords() throws IOException {
        long seed = TestSeeds.seed("randomFullDiskEpisodesKeepExactlyTheAcknowledgedRecords");
        Random random = new Random(seed);
        Disk disk = new Disk();
        TopicConfig smallSegments = TopicConfig.of(Map.of("segment.bytes", "512", "index.interval.bytes", "128"));
        int acked = 0;
        int failures = 0;
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).fileIo(disk).build())) {
            engine.createTopic("t", 1, smallSegments);
            Partition p = engine.partition("t", 0);
            int stillFull = 0;
            for (int op = 0; op < 400; op++) {
                if (stillFull == 0 && random.nextInt(8) == 0) {
                    disk.fillAfter(random.nextInt(160));
                    stillFull = 1 + random.nextInt(3);
                }
                int count = 1 + random.nextInt(3);
                long endBefore = p.latestOffset();
                long bytesBefore = p.sizeBytes();
                try {
                    long base = p.appendBatch(TestRecords.batch(acked, count, 1_000 + op));
                    assertEquals(acked, base, "seed " + seed);
                    acked += count;
                } catch (LogStorageException e) {
                    failures++;
                    assertTrue(e.getMessage().contains(NO_SPACE), e.getMessage() + ", seed " + seed);
                    assertEquals(endBefore, p.latestOffset(), "op " + op + ", seed " + seed);
                    assertEquals(bytesBefore, p.sizeBytes(), "op " + op + ", seed " + seed);
                    if (--stillFull == 0) {
                        disk.free();
                    }
                }
                assertEquals(acked, p.latestOffset(), "op " + op + ", seed " + seed);
                assertEquals(p.sizeBytes(), logFilesBytes(), "no partial batch on disk, op " + op + ", seed " + seed);
            }
            disk.free();
            assertTrue(failures > 10, "too few failures to mean anything: " + failures + ", seed " + seed);
            assertTrue(engine.partition("t", 0).log().segmentCount() > 5, "expected rolls, seed " + seed);
            assertExactly(p, acked);
        }
        System.out.println("acknowledged " + acked + " records through " + failures + " failed appends");
        try (LogEngine engine = LogEngine.open(dir)) {
            assertExactly(engine.partition("t", 0), acked);
        }
        crash();
        Files.delete(dir.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT)); // rescan every segment
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertExactly(p, acked);
            assertEquals(acked, p.appendBatch(TestRecords.batch(acked, 1, 1)));
        }
    }

    @ParameterizedTest(name = "clean close: {0}")
    @ValueSource(booleans = {true, false})
    void aFailedRollbackTakesThePartitionOfflineButKeepsItReadable(boolean cleanClose) throws IOException {
        Disk disk = new Disk();
        long sizeBefore;
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).fileIo(disk).build())) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            appendSingles(p, 0, 10);
            sizeBefore = Files.size(firstLogFile());

            disk.fillAfterHalfOfNextWrite();
            disk.truncateFails = true;
            assertStorageFailure(() -> p.appendBatch(TestRecords.batch(10, 3, 2_000)), "offline");
            assertEquals(1, disk.failedTruncates.get(), "the rollback was attempted");
            assertTrue(Files.size(firstLogFile()) > sizeBefore, "the torn batch is still in the file");
            assertTrue(p.log().isOffline());

            assertStorageFailure(() -> p.append(bytes("k10"), bytes("v10"), 2_000), "offline");
            disk.free();
            // Space is back, but the tail of the file is unknown until the next open rescans it.
            assertStorageFailure(() -> p.append(bytes("k10"), bytes("v10"), 2_000), "offline");
            assertEquals(10, p.latestOffset());
            assertExactly(p, 10);
            assertEquals(List.of(new TestRecords.Read(4, 1_004, "k4", "v4")), TestRecords.readAll(p, 4).subList(0, 1));
        }
        if (!cleanClose) {
            crash();
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertExactly(p, 10);
            assertEquals(sizeBefore, Files.size(firstLogFile()), "recovery cut the torn batch");
            appendSingles(p, 10, 13);
            assertExactly(p, 13);
        }
    }

    /**
     * ENGINE BUG (reported; fails until fixed): after an append fails with EIO and the rollback
     * fails too, the bytes at the segment's tail are undefined. {@code LogEngine.close()} still
     * writes the clean-shutdown marker, so the next open trusts the segment ({@code loadClean}
     * only chains batch lengths, it checks no CRC) and serves the damaged batch of the failed
     * append. Fix: {@code LogEngine.close()} must not write the marker while any partition is
     * offline (treat an offline log like one that failed to close).
     */
    @Test
    void anOfflinePartitionsGarbledTailIsNeverServedAfterRestart() throws IOException {
        Disk disk = new Disk();
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).fileIo(disk).build())) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            appendSingles(p, 0, 10);

            disk.garbleNextWrite();
            disk.truncateFails = true;
            assertStorageFailure(() -> p.append(bytes("k10"), bytes("v10"), 2_000), "offline");
            disk.free();
            assertExactly(p, 10);
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertExactly(p, 10);
            appendSingles(p, 10, 11);
        }
    }
}
