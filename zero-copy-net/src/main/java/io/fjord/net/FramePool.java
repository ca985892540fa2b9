package io.fjord.net;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receive buffers for request frames: direct buffers in power-of-two size classes, reused once a
 * request is done with its frame.
 *
 * <h2>Why direct and pooled</h2>
 * A heap frame costs, per payload byte, a zeroing pass on allocation, the JDK's copy from its
 * per-thread temporary direct buffer after the socket read, another copy into a temporary direct
 * buffer when the partition writer hands the heap bytes to {@code pwrite}, and young-GC work; a
 * profile of the produce path put most of the broker's allocation there. A direct frame is read
 * into by the kernel and written to the segment file by the kernel, with no Java-side copy.
 * Direct buffers are slow to allocate and freed only by GC, so they are pooled.
 *
 * <h2>Bounds</h2>
 * Frames below {@link NetConfig#MIN_POOLED_FRAME_BYTES} (heartbeats, metadata) or above
 * {@code maxPooledFrameBytes} stay on the heap. The pool keeps at most {@code poolBytes} of idle
 * capacity; a buffer released into a full pool is dropped for GC. Buffers in use are bounded by
 * the in-flight request limits, not here. A buffer never released (a handler that never answers)
 * is simply collected: the pool never counts lent buffers, so it cannot leak capacity.
 *
 * <p>Thread-safe: acquired on selector threads, released on whichever thread finishes a request.
 */
final class FramePool {
    private final int minPooledBytes;
    private final int maxPooledBytes;
    private final long poolBytes;
    private final int minClassShift;
    /** Idle buffers per size class; class i holds capacity {@code 1 << (minClassShift + i)}. */
    private final Queue<ByteBuffer>[] idle;
    private final AtomicLong idleBytes = new AtomicLong();

    @SuppressWarnings("unchecked")
    FramePool(final int minPooledBytes, final int maxPooledBytes, final long poolBytes) {
        this.minPooledBytes = minPooledBytes;
        this.maxPooledBytes = maxPooledBytes;
        this.poolBytes = poolBytes;
        this.minClassShift = shiftFor(minPooledBytes);
        final int classes = Math.max(0, shiftFor(maxPooledBytes) - minClassShift + 1);
        this.idle = new Queue[classes];
        for (int i = 0; i < classes; i++) {
            idle[i] = new ConcurrentLinkedQueue<>();
        }
    }

    static FramePool of(final NetConfig config) {
        return new FramePool(NetConfig.MIN_POOLED_FRAME_BYTES, config.maxPooledFrameBytes(), config.framePoolBytes());
    }

    /**
     * @return a buffer with position 0 and limit {@code sizeBytes}: direct and pooled when the size
     *         is in the pooled range and pooling is on, a new heap buffer otherwise
     */
    ByteBuffer acquire(final int sizeBytes) {
        if (poolBytes == 0 || sizeBytes < minPooledBytes || sizeBytes > maxPooledBytes) {
            return ByteBuffer.allocate(sizeBytes);
        }
        final int shift = shiftFor(sizeBytes);
        ByteBuffer buffer = idle[shift - minClassShift].poll();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(1 << shift);
        } else {
            idleBytes.addAndGet(-buffer.capacity());
        }
        return buffer.clear().limit(sizeBytes);
    }

    /** Takes a frame back; heap frames and frames the full pool cannot keep are left to GC. */
    void release(final ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            return;
        }
        final int capacity = buffer.capacity();
        final long after = idleBytes.addAndGet(capacity);
        if (after > poolBytes) {
            idleBytes.addAndGet(-capacity);
            return;
        }
        idle[shiftFor(capacity) - minClassShift].offer(buffer);
    }

    /** @return bytes of idle buffers held (metrics, tests) */
    long idleBytes() {
        return idleBytes.get();
    }

    /** The smallest power-of-two exponent whose size holds {@code bytes}. */
    private static int shiftFor(final int bytes) {
        return bytes <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(bytes - 1);
    }
}
