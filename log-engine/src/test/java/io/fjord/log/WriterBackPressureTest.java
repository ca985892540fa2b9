package io.fjord.log;

import io.fjord.log.writer.Admission;
import io.fjord.log.writer.AppendCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The non-blocking append path: a full writer queue is {@link Admission#BACK_PRESSURED} at once (the
 * caller never waits), a room callback runs on the writer thread when the queue drains and its retry
 * is queued, and an engine that closes meanwhile runs the callback so its retry fails, not hangs.
 * The writer is held busy by an append whose completion callback (on the writer thread) waits on a latch.
 */
@Timeout(60)
class WriterBackPressureTest {
    private static final int QUEUE_CAPACITY = 2;

    @TempDir
    Path dir;

    private final CountDownLatch writerHeld = new CountDownLatch(1);
    private final CountDownLatch releaseWriter = new CountDownLatch(1);
    private LogEngine engine;

    @AfterEach
    void close() {
        releaseWriter.countDown();
        if (engine != null) {
            engine.close();
        }
    }

    private Partition openHeld(int maxRoomWaiters) throws InterruptedException {
        engine = LogEngine.open(EngineConfig.builder(dir).writerThreads(1).writerQueueCapacity(QUEUE_CAPACITY)
                .maxWriterRoomWaiters(maxRoomWaiters).build());
        engine.createTopic("t", 1);
        Partition partition = engine.partition("t", 0);
        partition.appendBatchAsync(TestRecords.batch(0, 1, 1), (base, last, error) -> {
            writerHeld.countDown();
            try {
                releaseWriter.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(writerHeld.await(30, TimeUnit.SECONDS), "the writer took the holding append");
        return partition;
    }

    private static final class Outcome implements AppendCallback {
        final CompletableFuture<Long> base = new CompletableFuture<>();

        @Override
        public void onComplete(long baseOffset, long lastOffset, FjordException error) {
            if (error == null) {
                base.complete(baseOffset);
            } else {
                base.completeExceptionally(error);
            }
        }
    }

    @Test
    void aFullQueueIsBackPressureAndTheRoomCallbackRetriesOnTheWriterThread() throws Exception {
        Partition partition = openHeld(16);
        Outcome first = new Outcome();
        Outcome second = new Outcome();
        assertEquals(Admission.QUEUED, partition.tryAppendBatchAsync(TestRecords.batch(1, 1, 1), first));
        assertEquals(Admission.QUEUED, partition.tryAppendBatchAsync(TestRecords.batch(2, 1, 1), second));
        Outcome third = new Outcome();
        ByteBuffer thirdBatch = TestRecords.batch(3, 2, 1);
        assertEquals(Admission.BACK_PRESSURED, partition.tryAppendBatchAsync(thirdBatch, third),
                "a third append in a queue of two, with the writer held");

        AtomicReference<String> roomThread = new AtomicReference<>();
        AtomicReference<Admission> retried = new AtomicReference<>();
        CountDownLatch roomRan = new CountDownLatch(1);
        assertTrue(partition.whenWriterHasRoom(() -> {
            roomThread.set(Thread.currentThread().getName());
            retried.set(partition.tryAppendBatchAsync(thirdBatch, third));
            roomRan.countDown();
        }));
        assertEquals(1, roomRan.getCount(), "no room while the writer is held and its queue full");

        releaseWriter.countDown();
        assertTrue(roomRan.await(30, TimeUnit.SECONDS), "the room callback ran once the queue drained");
        assertTrue(roomThread.get().startsWith("fjord-writer-"), roomThread.get());
        assertEquals(Admission.QUEUED, retried.get());
        assertEquals(1L, first.base.get(30, TimeUnit.SECONDS));
        assertEquals(2L, second.base.get(30, TimeUnit.SECONDS));
        assertEquals(3L, third.base.get(30, TimeUnit.SECONDS));
        assertEquals(5L, partition.latestOffset());
        List<TestRecords.Read> records = TestRecords.readAll(partition, 0);
        assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), records.stream().map(TestRecords.Read::value).toList());
    }

    @Test
    void anIdleWriterRunsARoomCallbackAtOnce() throws Exception {
        Partition partition = openHeld(16);
        releaseWriter.countDown();
        CountDownLatch roomRan = new CountDownLatch(1);
        assertTrue(partition.whenWriterHasRoom(roomRan::countDown));
        assertTrue(roomRan.await(30, TimeUnit.SECONDS), "an empty queue has room: no lost wake-up");
    }

    @Test
    void roomWaitersAreBounded() throws Exception {
        Partition partition = openHeld(1);
        partition.tryAppendBatchAsync(TestRecords.batch(1, 1, 1), new Outcome());
        partition.tryAppendBatchAsync(TestRecords.batch(2, 1, 1), new Outcome());
        CountDownLatch roomRan = new CountDownLatch(1);
        assertTrue(partition.whenWriterHasRoom(roomRan::countDown));
        assertFalse(partition.whenWriterHasRoom(() -> {
            throw new AssertionError("a refused room callback ran");
        }), "a second waiter beyond maxWriterRoomWaiters=1");
        releaseWriter.countDown();
        assertTrue(roomRan.await(30, TimeUnit.SECONDS));
    }

    @Test
    void anEngineClosingWhileCallersWaitForRoomRunsTheirCallbacksAndTheRetryFails() throws Exception {
        Partition partition = openHeld(16);
        partition.tryAppendBatchAsync(TestRecords.batch(1, 1, 1), new Outcome());
        partition.tryAppendBatchAsync(TestRecords.batch(2, 1, 1), new Outcome());
        assertEquals(Admission.BACK_PRESSURED, partition.tryAppendBatchAsync(TestRecords.batch(3, 1, 1), new Outcome()));
        CompletableFuture<Throwable> retry = new CompletableFuture<>();
        assertTrue(partition.whenWriterHasRoom(() -> {
            try {
                // Queued (then the close drains it) or refused because the engine closed: never lost.
                Outcome outcome = new Outcome();
                if (partition.tryAppendBatchAsync(TestRecords.batch(3, 1, 1), outcome) == Admission.QUEUED) {
                    outcome.base.whenComplete((base, error) -> retry.complete(error));
                } else {
                    retry.complete(new AssertionError("back-pressured with room"));
                }
            } catch (RuntimeException e) {
                retry.complete(e);
            }
        }));
        Thread closer = new Thread(engine::close, "test-closer");
        closer.start();
        io.fjord.testsupport.Waits.waitUntil(java.time.Duration.ofSeconds(30), () -> engine.isClosed(), () -> "engine closing");
        releaseWriter.countDown();
        closer.join();
        Throwable outcome = retry.get(30, TimeUnit.SECONDS);
        assertInstanceOf(EngineClosedException.class, outcome, String.valueOf(outcome));
        assertThrows(EngineClosedException.class, () -> partition.whenWriterHasRoom(() -> { }));
        engine = null;
    }
}
