package io.fjord.log;

import io.fjord.log.record.BatchValidation;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readers that race the single writer (and its segment rolls) only ever see whole, valid batches
 * with contiguous offsets, and eventually see everything.
 */
class ConcurrentReadersTest {
    private static final int BATCHES = 3_000;
    private static final int READERS = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersDuringAppendsSeeOnlyCompleteBatches() throws Exception {
        long seed = TestSeeds.seed("readersDuringAppendsSeeOnlyCompleteBatches");
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.bytes", "16384", "index.interval.bytes", "512")));
            Partition p = engine.partition("t", 0);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> readers = new ArrayList<>();
            long[] reached = new long[READERS];
            for (int r = 0; r < READERS; r++) {
                int id = r;
                Thread reader = new Thread(() -> {
                    try {
                        reached[id] = readUntil(p, BATCHES * 5L / 2, failures);
                    } catch (Throwable t) {
                        failures.add("reader " + id + ": " + t);
                    }
                }, "reader-" + r);
                readers.add(reader);
                reader.start();
            }
            Random random = new Random(seed);
            long expectedEnd = 0;
            for (int i = 0; i < BATCHES; i++) {
                int records = 1 + random.nextInt(4); // 1..4 records, 2.5 on average
                long base = p.appendBatch(TestRecords.batch((int) expectedEnd, records, i));
                assertEquals(expectedEnd, base);
                expectedEnd += records;
            }
            // Readers stop at the target or at the real end, whichever they see first.
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(!reader.isAlive(), reader.getName() + " did not finish");
            }
            assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures);
            for (long end : reached) {
                assertTrue(end > 0, "every reader made progress");
            }
            assertEquals(expectedEnd, TestRecords.readAll(p, 0).size());
        }
    }

    /** Reads from 0, validating every batch; returns the offset reached. */
    private static long readUntil(Partition p, long target, ConcurrentLinkedQueue<String> failures) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        RecordBatch batch = new RecordBatch();
        long next = 0;
        long idleSpins = 0;
        while (next < target && idleSpins < 50_000_000L) {
            FileRegion region = p.read(next, buffer.capacity());
            if (region.isEmpty()) {
                idleSpins++;
                Thread.onSpinWait();
                if (p.latestOffset() == next && idleSpins > 1_000_000) {
                    break; // the writer is done and we are at its end
                }
                continue;
            }
            buffer.clear();
            region.readInto(buffer);
            buffer.flip();
            int position = 0;
            boolean progressed = false;
            while (buffer.limit() - position >= RecordBatchDescriptor.LOG_OVERHEAD) {
                int size = RecordBatch.sizeInBytes(buffer, position);
                if (position + size > buffer.limit()) {
                    break; // trailing partial batch: the region was cut at maxBytes, not a torn write
                }
                batch.wrap(buffer, position);
                BatchValidation validation = batch.validate(size, Integer.MAX_VALUE);
                if (validation != BatchValidation.VALID) {
                    failures.add("batch at offset " + next + " is " + validation);
                    return next;
                }
                if (batch.lastOffset() >= next) {
                    if (batch.baseOffset() > next) {
                        failures.add("gap: expected offset " + next + ", batch starts at " + batch.baseOffset());
                        return next;
                    }
                    next = batch.nextOffset();
                    progressed = true;
                }
                position += size;
            }
            if (!progressed) {
                failures.add("no whole batch in a region of " + region.sizeBytes() + " bytes at offset " + next);
                return next;
            }
            idleSpins = 0;
        }
        return next;
    }
}
