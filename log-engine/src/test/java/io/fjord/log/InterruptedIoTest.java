package io.fjord.log;

import io.fjord.log.io.FileIo;
import io.fjord.log.io.ResourceCache;
import io.fjord.log.record.RecordCursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An interrupt of a thread doing I/O on a segment closes that segment's {@link java.nio.channels.FileChannel}
 * for every thread (the JDK's interruptible channels). The engine's own threads are interrupted
 * when it closes (the cleaner and the scheduler are stopped with {@code shutdownNow}), so a
 * cleaning pass that was flushing the log when {@link LogEngine#close()} ran closed the active
 * segment's descriptor, and the close's flush of that log then failed. That must neither leave the
 * log's other segments open (found by LeakCheck in OffsetsTopicCompactionTest: every segment of
 * {@code __consumer_offsets-0} leaked) nor, with the descriptor cache, break the segment for the
 * engine's other users.
 */
class InterruptedIoTest {
    private static final int BATCHES = 100;

    @TempDir
    Path dir;

    /** Plain channels (no descriptor cache): the interrupted descriptor stays closed, the close still closes the rest. */
    @Test
    void aFlushFailedByAnInterruptLeavesNoDescriptorOpenAfterClose() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
        EngineConfig config = EngineConfig.builder(dir).maxOpenFiles(ResourceCache.UNBOUNDED)
                .maxMappedSegments(ResourceCache.UNBOUNDED).build();
        try (LogEngine engine = LogEngine.open(config)) {
            Partition partition = smallSegmentsTopic(engine);
            assertInstanceOf(LogStorageException.class, flushOnAnInterruptedThread(partition));
        }
        assertEquals(0, DescriptorCacheTest.descriptorsUnder(dir), "descriptors left open after close");
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(3 * BATCHES, countRecords(engine.partition("t", 0)), "every record survives");
        }
    }

    /** With the descriptor cache (the default): the segment gets a new descriptor, the log keeps working. */
    @Test
    void aCachedChannelClosedByAnInterruptIsReopenedForTheOtherUsers() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition partition = smallSegmentsTopic(engine);
            assertNotNull(flushOnAnInterruptedThread(partition), "the interrupted flush itself fails");
            partition.flush(); // the same segments, on this thread: works again
            partition.appendBatch(TestRecords.batch(3 * BATCHES, 3, 1_000));
            partition.flush();
            assertEquals(3 * BATCHES + 3, countRecords(partition));
        }
        assertEquals(0, DescriptorCacheTest.descriptorsUnder(dir), "descriptors left open after close");
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(3 * BATCHES + 3, countRecords(engine.partition("t", 0)));
        }
    }

    /**
     * The race LeakCheck found, made deterministic: a background cleaning pass is in its first
     * step, the log's flush, when {@link LogEngine#close()} stops the cleaner; the interrupt closes
     * the descriptor the pass was fsyncing, and the close's own flush of that log comes next.
     */
    @ParameterizedTest(name = "descriptor cache: {0}")
    @ValueSource(booleans = {true, false})
    void aCleaningPassStoppedByCloseInItsFlushLeavesNoDescriptorOpen(boolean descriptorCache) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd (Linux)");
        CleanerFsyncGate gate = new CleanerFsyncGate();
        EngineConfig.Builder builder = EngineConfig.builder(dir).fileIo(gate).cleanerCheckIntervalMs(10);
        if (!descriptorCache) {
            builder.maxOpenFiles(ResourceCache.UNBOUNDED).maxMappedSegments(ResourceCache.UNBOUNDED);
        }
        try (LogEngine engine = LogEngine.open(builder.build())) {
            engine.createTopic("t", 1, TopicConfig.defaults().with(TopicConfig.SEGMENT_BYTES, "1024")
                    .with(TopicConfig.CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT));
            Partition partition = engine.partition("t", 0);
            gate.armed.set(true);
            for (int i = 0; i < BATCHES; i++) {
                partition.appendBatch(TestRecords.batch(i * 3, 3, 1_000));
            }
            assertTrue(gate.cleanerInFsync.await(60, TimeUnit.SECONDS), "a cleaning pass flushes the log");
        } // close() interrupts the pass blocked in its fsync
        assertTrue(gate.interruptedFsyncs.get() > 0, "the pass's fsync was interrupted by close");
        assertEquals(0, DescriptorCacheTest.descriptorsUnder(dir), "descriptors left open after close");
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(3 * BATCHES, countRecords(engine.partition("t", 0)), "every record survives");
        }
    }

    /**
     * Files whose fsync, once armed, blocks on a cleaner thread until that thread is interrupted,
     * then goes on with the thread still interrupted, as an fsync caught by the interrupt would:
     * the real channel underneath closes, and so does this wrapper, as a JDK file channel would.
     */
    private static final class CleanerFsyncGate implements FileIo {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch cleanerInFsync = new CountDownLatch(1);
        final AtomicInteger interruptedFsyncs = new AtomicInteger();

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            return new FullDiskTest.DelegatingChannel(FileChannel.open(path, options)) {
                @Override
                public void force(boolean metaData) throws IOException {
                    if (Thread.currentThread().getName().startsWith("fjord-cleaner") && armed.compareAndSet(true, false)) {
                        cleanerInFsync.countDown();
                        try {
                            new CountDownLatch(1).await(); // until the cleaner is stopped
                        } catch (InterruptedException e) {
                            interruptedFsyncs.incrementAndGet();
                            Thread.currentThread().interrupt();
                        }
                    }
                    try {
                        super.force(metaData);
                    } catch (ClosedByInterruptException e) {
                        close(); // as the JDK's own channel is: closed for every thread
                        throw e;
                    }
                }
            };
        }
    }

    /** A topic of many small segments, none of them flushed yet. */
    private static Partition smallSegmentsTopic(LogEngine engine) {
        engine.createTopic("t", 1, TopicConfig.defaults().with(TopicConfig.SEGMENT_BYTES, "1024"));
        Partition partition = engine.partition("t", 0);
        for (int i = 0; i < BATCHES; i++) {
            partition.appendBatch(TestRecords.batch(i * 3, 3, 1_000));
        }
        return partition;
    }

    /** What a flush run on a thread that is interrupted throws (a stopping cleaner's first step). */
    private static Throwable flushOnAnInterruptedThread(Partition partition) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                partition.flush();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "interrupted-flusher");
        interrupted.start();
        interrupted.join();
        return failure.get();
    }

    private static long countRecords(Partition partition) {
        long[] count = {0};
        try (LogReader reader = partition.reader(partition.earliestOffset())) {
            while (reader.poll((RecordCursor cursor) -> count[0]++, 10_000) > 0) {
                // keep polling
            }
        }
        return count[0];
    }
}
