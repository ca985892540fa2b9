package io.fjord.log.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Computes CRC-32C over an absolute range of a {@link ByteBuffer} without allocating and without moving the
 * caller's position or limit.
 *
 * <p>{@link CRC32C#update(ByteBuffer)} consumes the buffer's remaining bytes, so it needs a view whose position
 * and limit we own. Making that view with {@code duplicate()} on every call would allocate 48+ bytes per batch;
 * instead one view is cached per source buffer and re-pointed. Heap buffers skip the view entirely and feed the
 * backing array. Read-only heap buffers (no accessible array, not direct) are copied through a reusable 4 KiB
 * scratch array, because the JDK's own fallback allocates a fresh array on each call.
 *
 * <p>Keeps a reference to the last direct buffer it saw, so a mapped segment stays reachable until the next
 * direct buffer is checksummed.
 *
 * <p>Thread safety: not thread-safe; one instance per owning flyweight.
 */
final class Crc32cCalculator {
    private static final int SCRATCH_BYTES = 4096;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer viewSource;
    private ByteBuffer view;
    private byte[] scratch;

    /** CRC-32C of {@code buffer[index, index + lengthBytes)} as an unsigned 32-bit value. */
    long compute(ByteBuffer buffer, int index, int lengthBytes) {
        if (index < 0 || lengthBytes < 0 || index > buffer.limit() - lengthBytes) {
            throw new IndexOutOfBoundsException(
                "CRC range [" + index + ", " + ((long) index + lengthBytes) + ") outside buffer limit " + buffer.limit());
        }
        crc.reset();
        if (buffer.hasArray()) {
            crc.update(buffer.array(), buffer.arrayOffset() + index, lengthBytes);
        } else if (buffer.isDirect()) {
            ByteBuffer v = viewOf(buffer);
            // limit first: position(index) would fail if the old limit were below index.
            v.limit(index + lengthBytes).position(index);
            crc.update(v);
        } else {
            updateThroughScratch(buffer, index, lengthBytes);
        }
        return crc.getValue();
    }

    private ByteBuffer viewOf(ByteBuffer buffer) {
        if (buffer != viewSource) {
            viewSource = buffer;
            view = buffer.duplicate();
        }
        return view;
    }

    private void updateThroughScratch(ByteBuffer buffer, int index, int lengthBytes) {
        if (scratch == null) {
            scratch = new byte[SCRATCH_BYTES];
        }
        int done = 0;
        while (done < lengthBytes) {
            int chunk = Math.min(SCRATCH_BYTES, lengthBytes - done);
            buffer.get(index + done, scratch, 0, chunk);
            crc.update(scratch, 0, chunk);
            done += chunk;
        }
    }
}
