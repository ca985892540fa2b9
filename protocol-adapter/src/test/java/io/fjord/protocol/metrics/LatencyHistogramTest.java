package io.fjord.protocol.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatencyHistogramTest {
    private static final int THREADS = 4;
    private static final int RECORDS_PER_THREAD = 200_000;

    @Test
    void recordsFromManyThreadsWhileSnapshotsAreTakenAreAllCountedOnce() throws Exception {
        LatencyHistogram histogram = new LatencyHistogram();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread writer = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < RECORDS_PER_THREAD; i++) {
                    histogram.recordNanos(1_000_000); // 1 ms
                }
            });
            writer.start();
            writers.add(writer);
        }
        start.countDown();
        long previous = 0;
        while (writers.stream().anyMatch(Thread::isAlive)) {
            long count = histogram.snapshot().getTotalCount();
            assertTrue(count >= previous, "cumulative counts never go back: " + count + " < " + previous);
            previous = count;
        }
        for (Thread writer : writers) {
            writer.join();
        }
        Histogram all = histogram.snapshot();
        assertEquals((long) THREADS * RECORDS_PER_THREAD, all.getTotalCount());
        assertEquals(1_000, all.getValueAtPercentile(50), 10, "recorded in microseconds, within 1%");
        assertEquals(all.getTotalCount(), histogram.snapshot().getTotalCount(), "a snapshot does not consume");
    }

    @Test
    void aNegativeDurationCountsAsZero() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.recordNanos(-5_000);
        assertEquals(0, histogram.snapshot().getMaxValue());
        assertEquals(1, histogram.snapshot().getTotalCount());
    }
}
