package io.fjord.log.record;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/**
 * Checks that wrap / validate / cursor iteration allocate nothing per batch or record. This is an allocation
 * check using the JVM's per-thread allocation counter, not a timing assertion.
 */
class HotPathAllocationTest {
    private static final int ITERATIONS = 100_000;
    /** Generous slack for the counter calls themselves and any JIT/runtime noise; one allocation per iteration
     *  would already be 1.6+ MB. */
    private static final long MAX_ALLOCATED_BYTES = 64 * 1024;

    private static ByteBuffer sample(boolean direct) {
        RecordBatchBuilder b = new RecordBatchBuilder(1024).producer(3L, (short) 0, 0);
        for (int i = 0; i < 10; i++) {
            b.append(1_000L + i, Recs.utf8("key-" + i), new byte[50 + i],
                new RecordHeader("trace", Recs.utf8("id-" + i)), new RecordHeader("n", null));
        }
        ByteBuffer built = b.build();
        ByteBuffer out = direct ? ByteBuffer.allocateDirect(built.limit()) : ByteBuffer.allocate(built.limit());
        out.put(0, built, 0, built.limit());
        return out;
    }

    @Test
    void heapBatch() {
        assertHotPathDoesNotAllocate(sample(false));
    }

    @Test
    void directBatch() {
        assertHotPathDoesNotAllocate(sample(true));
    }

    private static void assertHotPathDoesNotAllocate(ByteBuffer buf) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs com.sun.management.ThreadMXBean");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
            "thread allocation accounting unavailable");

        RecordBatch batch = new RecordBatch();
        RecordCursor cursor = new RecordCursor();
        long sink = loop(buf, batch, cursor, ITERATIONS); // warm-up: lets the JIT compile the loop

        long threadId = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(threadId);
        sink += loop(buf, batch, cursor, ITERATIONS);
        long after = threads.getThreadAllocatedBytes(threadId);

        long allocated = after - before;
        System.out.println("hot path allocated " + allocated + " bytes over " + ITERATIONS + " iterations ("
            + (buf.isDirect() ? "direct" : "heap") + ")");
        assertTrue(allocated < MAX_ALLOCATED_BYTES, "allocated " + allocated + " bytes");
        assertNotEquals(0, sink); // keeps the work observable so nothing is optimised away
    }

    private static long loop(ByteBuffer buf, RecordBatch batch, RecordCursor cursor, int iterations) {
        long sink = 0;
        for (int i = 0; i < iterations; i++) {
            batch.wrap(buf, 0);
            if (!batch.validate(buf.limit(), Integer.MAX_VALUE).isValid()) {
                throw new AssertionError("invalid batch in iteration " + i);
            }
            sink += batch.lastOffset() + batch.producerId();
            cursor.reset(batch);
            while (cursor.next()) {
                sink += cursor.offset() + cursor.timestamp() + cursor.keyLength() + cursor.valueLength();
                sink += buf.get(cursor.keyOffset());
                while (cursor.nextHeader()) {
                    sink += cursor.headerKeyLength() + cursor.headerValueLength();
                }
            }
        }
        return sink;
    }
}
