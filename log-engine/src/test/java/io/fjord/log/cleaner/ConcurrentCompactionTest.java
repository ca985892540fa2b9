package io.fjord.log.cleaner;

import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import io.fjord.log.Partition;
import io.fjord.log.PartitionLogs;
import io.fjord.log.TestRecords;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer appends, readers scan the whole log and the cleaner runs pass after pass, all at
 * once: readers only ever see records as written (value names its key), in offset order, and
 * nothing is lost. Old segments are retired with the default-like delay, as in production.
 */
class ConcurrentCompactionTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void appendsReadsAndCleaningRunTogether() throws Exception {
        long seed = TestSeeds.seed("appendsReadsAndCleaningRunTogether");
        Random random = new Random(seed);
        AtomicLong now = new AtomicLong(10_000_000);
        TreeMap<Long, CompactedLogCheck.Written> written = new TreeMap<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger passes = new AtomicInteger();
        AtomicInteger scans = new AtomicInteger();
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted("file.delete.delay.ms", "60000"));
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(() -> {
                try {
                    while (!done.get()) {
                        engine.cleanLogsNow();
                        passes.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "test-cleaner"));
            for (int r = 0; r < 2; r++) {
                threads.add(new Thread(() -> {
                    try {
                        while (!done.get()) {
                            scan(p);
                            scans.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "test-reader-" + r));
            }
            threads.forEach(Thread::start);
            for (int i = 0; i < 4000 && failures.isEmpty(); i++) {
                String key = "k" + random.nextInt(50);
                String value = key + ":" + i;
                long offset = p.append(bytes(key), bytes(value), 1000 + i);
                written.put(offset, new CompactedLogCheck.Written(offset, key, value));
            }
            done.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures);
            System.out.println("passes=" + passes + " scans=" + scans + " seed=" + seed);
            assertTrue(passes.get() > 0 && scans.get() > 0);
            engine.cleanLogsNow();
            long cleanedBelow = PartitionLogs.of(p).activeSegment().baseOffset();
            CompactedLogCheck.verifyEveryOffset(p, CompactedLogCheck.verify(p, written, cleanedBelow, true));
            assertEquals(4000, p.latestOffset());
        }
    }

    private static void scan(Partition p) {
        long end = p.latestOffset();
        long[] previous = {-1};
        try (LogReader reader = p.reader(p.earliestOffset())) {
            while (reader.position() < end) {
                reader.poll(cursor -> {
                    TestRecords.Read r = TestRecords.read(cursor);
                    if (r.offset() <= previous[0] || !r.value().startsWith(r.key() + ":")) {
                        throw new AssertionError("bad read " + r + " after offset " + previous[0]);
                    }
                    previous[0] = r.offset();
                }, 500);
            }
        }
    }
}
