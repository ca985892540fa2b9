package io.fjord.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;

/**
 * Reassembles 4-byte big-endian size-prefixed frames from a non-blocking channel.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  size (int32, big-endian)                     |
 *  +---------------------------------------------------------------+
 *  |                  payload (size bytes) ...                     |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The size is read into a small reused buffer and checked against the limit <em>before</em> a buffer
 * for the payload is taken from the {@link FramePool}, so a hostile prefix costs nothing. Each frame
 * gets its own buffer because ownership passes to the request (see {@link RequestContext}), which
 * gives it back to the pool when the handler is done with it. A payload read also
 * scatters into the size buffer, so a stream of small frames costs one read per frame, not two, and
 * never reads past the next size prefix (nothing beyond a frame boundary is ever buffered here, which
 * keeps back-pressure exact).
 *
 * <p>Not thread-safe: owned by the connection's selector thread.
 */
final class FrameReader {

    /** {@link #read} outcome: a frame is complete; take it with {@link #takeFrame()}. */
    static final int FRAME_READY = 1;
    /** {@link #read} outcome: the channel has no more bytes now. */
    static final int NEED_MORE = 0;
    /** {@link #read} outcome: progress, and the channel may have more; call again. */
    static final int PARTIAL = 2;
    /** {@link #read} outcome: the peer closed its side. */
    static final int END_OF_STREAM = -1;
    /** {@link #read} outcome: the size prefix is negative or above the limit; see {@link #lastFrameSize()}. */
    static final int INVALID_SIZE = -2;

    static final int SIZE_PREFIX_BYTES = 4;

    /**
     * Bytes offered to one read of a payload. Reading into a heap buffer makes the JDK use a temporary
     * direct buffer as large as the bytes offered and cache it per thread; offering a whole 100 MiB
     * frame would pin 100 MiB of native memory per selector thread. 256 KiB is several socket buffers'
     * worth, so large frames still arrive in few system calls.
     */
    static final int MAX_BYTES_PER_READ = 256 * 1024;

    private final int maxFrameBytes;
    private final FramePool framePool;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(SIZE_PREFIX_BYTES);
    private final ByteBuffer[] scatter = new ByteBuffer[2];
    /** The payload being filled, or null while the size prefix is being read. */
    private ByteBuffer payload;
    private ByteBuffer ready;
    private int lastFrameSize;
    private long bytesRead;

    FrameReader(final int maxFrameBytes, final FramePool framePool) {
        this.maxFrameBytes = maxFrameBytes;
        this.framePool = framePool;
    }

    /**
     * Reads once or twice from {@code channel}, never past the end of the next size prefix.
     *
     * @return {@link #FRAME_READY}, {@link #NEED_MORE}, {@link #PARTIAL}, {@link #END_OF_STREAM} or
     *         {@link #INVALID_SIZE}
     */
    int read(final ScatteringByteChannel channel) throws IOException {
        if (payload == null) {
            if (sizeBuffer.hasRemaining()) {
                final int n = channel.read(sizeBuffer);
                if (n < 0) {
                    return END_OF_STREAM;
                }
                bytesRead += n;
                if (sizeBuffer.hasRemaining()) {
                    return NEED_MORE;
                }
            }
            final int size = sizeBuffer.getInt(0);
            lastFrameSize = size;
            if (size < 0 || size > maxFrameBytes) {
                return INVALID_SIZE;
            }
            // May throw OutOfMemoryError; the connection catches it and closes.
            payload = framePool.acquire(size);
            sizeBuffer.clear();
        }
        if (payload.hasRemaining()) {
            final int limit = payload.limit();
            final int offered = Math.min(payload.remaining(), MAX_BYTES_PER_READ);
            payload.limit(payload.position() + offered);
            scatter[0] = payload;
            // Only let the read run on into the next prefix when this read can finish the payload.
            scatter[1] = payload.limit() == limit ? sizeBuffer : null;
            final long n;
            try {
                n = scatter[1] != null ? channel.read(scatter) : channel.read(payload);
            } finally {
                payload.limit(limit);
                scatter[0] = null;
                scatter[1] = null;
            }
            if (n < 0) {
                return END_OF_STREAM;
            }
            bytesRead += n;
            if (payload.hasRemaining()) {
                // A read that filled everything offered says nothing about the socket being drained.
                return n == offered ? PARTIAL : NEED_MORE;
            }
        }
        ready = payload.flip();
        payload = null;
        return FRAME_READY;
    }

    /** @return the completed frame, positioned at its first payload byte; ownership passes to the caller */
    ByteBuffer takeFrame() {
        final ByteBuffer frame = ready;
        ready = null;
        return frame;
    }

    /** @return the last size prefix read: the rejected one after {@link #INVALID_SIZE} */
    int lastFrameSize() {
        return lastFrameSize;
    }

    /** @return true if part of a frame (prefix or payload) has been read but not completed */
    boolean isMidFrame() {
        return payload != null || sizeBuffer.position() > 0;
    }

    /** @return total bytes read from the channel */
    long bytesRead() {
        return bytesRead;
    }

    /** Gives a partial or untaken frame back to the pool. */
    void clear() {
        if (payload != null) {
            framePool.release(payload);
            payload = null;
        }
        if (ready != null) {
            framePool.release(ready);
            ready = null;
        }
    }
}
