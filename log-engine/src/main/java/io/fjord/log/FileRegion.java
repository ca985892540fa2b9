package io.fjord.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A run of whole and possibly one trailing partial record batch in a segment file: what a fetch
 * sends with {@link FileChannel#transferTo} (sendfile) without copying through the JVM heap.
 * Kafka's clients skip a trailing partial batch, so the region ends at a byte limit, not a batch.
 *
 * @param channel   the segment's log file
 * @param position  file position of the first byte (always the start of a batch)
 * @param sizeBytes number of bytes, 0 for an empty region
 */
public record FileRegion(FileChannel channel, long position, int sizeBytes) {
    public static final FileRegion EMPTY = new FileRegion(null, 0, 0);

    public boolean isEmpty() {
        return sizeBytes == 0;
    }

    /**
     * Sends up to {@code sizeBytes - sentBytes} bytes starting {@code sentBytes} into the region;
     * returns how many went out (a non-blocking socket may take fewer).
     */
    public long transferTo(long sentBytes, WritableByteChannel target) throws IOException {
        return channel.transferTo(position + sentBytes, sizeBytes - sentBytes, target);
    }

    /** Copies the region into {@code target} from its position; returns the bytes read. */
    public int readInto(ByteBuffer target) throws IOException {
        int wanted = Math.min(target.remaining(), sizeBytes);
        int limit = target.limit();
        target.limit(target.position() + wanted);
        int read = 0;
        try {
            while (target.hasRemaining()) {
                int n = channel.read(target, position + read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        } finally {
            target.limit(limit);
        }
        return read;
    }
}
