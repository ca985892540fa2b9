package io.fjord.log.writer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer's queue: exact capacity, FIFO per producer, every element delivered once under contention. */
@Timeout(60)
class MpscRingTest {

    @Test
    void capacityIsExactEvenWhenNotAPowerOfTwo() {
        MpscRing<Integer> ring = new MpscRing<>(3);
        assertTrue(ring.isEmpty());
        assertTrue(ring.offer(1));
        assertTrue(ring.offer(2));
        assertTrue(ring.offer(3));
        assertFalse(ring.offer(4), "a fourth element in a ring of 3");
        assertEquals(3, ring.size());
        assertEquals(1, ring.poll());
        assertTrue(ring.offer(4));
        assertFalse(ring.offer(5));
        assertEquals(2, ring.poll());
        assertEquals(3, ring.poll());
        assertEquals(4, ring.poll());
        assertNull(ring.poll());
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.size());
    }

    @Test
    void refusesNullAndBadCapacities() {
        assertThrows(NullPointerException.class, () -> new MpscRing<>(1).offer(null));
        assertThrows(IllegalArgumentException.class, () -> new MpscRing<>(0));
        assertThrows(IllegalArgumentException.class, () -> new MpscRing<>((1 << 30) + 1));
    }

    @Test
    void concurrentProducersLoseNothingAndKeepTheirOwnOrder() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        MpscRing<long[]> ring = new MpscRing<>(100); // small, so producers keep meeting a full ring
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    long[] element = {producer, i};
                    while (!ring.offer(element)) {
                        Thread.onSpinWait();
                    }
                }
            }, "ring-producer-" + p);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        long[] nextExpected = new long[producers];
        long received = 0;
        while (received < (long) producers * perProducer) {
            long[] element = ring.poll();
            if (element == null) {
                Thread.onSpinWait();
                continue;
            }
            int producer = (int) element[0];
            assertEquals(nextExpected[producer], element[1], "order of producer " + producer);
            nextExpected[producer]++;
            received++;
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertNull(ring.poll());
        long[] all = new long[producers];
        java.util.Arrays.fill(all, perProducer);
        assertArrayEquals(all, nextExpected);
    }
}
