package io.fjord.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FramePoolTest {

    @Test
    void framesInThePooledRangeAreDirectAndRoundedUpToAPowerOfTwo() {
        final FramePool pool = new FramePool(4096, 1 << 20, 1 << 24);
        final ByteBuffer frame = pool.acquire(5000);
        assertTrue(frame.isDirect());
        assertEquals(8192, frame.capacity());
        assertEquals(0, frame.position());
        assertEquals(5000, frame.limit(), "the frame is exactly as long as its payload");
        assertEquals(4096, pool.acquire(4096).capacity());
        assertEquals(1 << 20, pool.acquire(1 << 20).capacity());
    }

    @Test
    void smallLargeAndUnpooledFramesStayOnTheHeap() {
        final FramePool pool = new FramePool(4096, 1 << 20, 1 << 24);
        assertFalse(pool.acquire(0).isDirect());
        assertFalse(pool.acquire(4095).isDirect());
        assertFalse(pool.acquire((1 << 20) + 1).isDirect());
        final FramePool off = new FramePool(4096, 1 << 20, 0);
        assertFalse(off.acquire(65_536).isDirect(), "pool size 0 turns pooling off");
    }

    @Test
    void aReleasedBufferIsReusedForTheSameSizeClass() {
        final FramePool pool = new FramePool(4096, 1 << 20, 1 << 24);
        final ByteBuffer first = pool.acquire(10_000);
        first.position(first.limit());
        pool.release(first);
        assertEquals(16_384, pool.idleBytes());
        final ByteBuffer second = pool.acquire(9_000);
        assertSame(first, second);
        assertEquals(0, second.position(), "a reused buffer comes back cleared");
        assertEquals(9_000, second.limit());
        assertEquals(0, pool.idleBytes());
        assertFalse(pool.acquire(10_000) == first, "a lent buffer is not lent twice");
    }

    @Test
    void idleCapacityIsBoundedAndTheRestIsLeftToGc() {
        final FramePool pool = new FramePool(4096, 1 << 20, 3 * 8192);
        final ByteBuffer[] lent = new ByteBuffer[5];
        for (int i = 0; i < lent.length; i++) {
            lent[i] = pool.acquire(8192);
        }
        for (ByteBuffer buffer : lent) {
            pool.release(buffer);
        }
        assertEquals(3 * 8192, pool.idleBytes(), "two of five releases found the pool full");
        pool.release(ByteBuffer.allocate(8192));
        assertEquals(3 * 8192, pool.idleBytes(), "heap buffers are never pooled");
    }
}
