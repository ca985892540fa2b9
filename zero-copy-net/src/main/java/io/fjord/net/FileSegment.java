package io.fjord.net;

import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A region of a file to send as part of a {@link Send}: {@code count} bytes of {@code channel}
 * starting at {@code position}, written to the socket with {@link FileChannel#transferTo}
 * (sendfile on Linux), so the bytes go from the page cache to the socket without entering the heap.
 *
 * <p>The net layer never closes {@code channel}: the caller owns it and must keep it open until the
 * {@link Send}'s {@link SendListener} reports the send done. If the channel is closed, or the file
 * turns out shorter than {@code position + count}, while the segment is being sent, the connection
 * is closed: the peer has already received a size prefix promising those bytes, so there is no way
 * to continue the stream correctly.
 *
 * <p>Immutable; thread-safe as far as the channel is.
 *
 * @param channel  the file to read from; not closed by the net layer
 * @param position file offset of the first byte, {@code >= 0}
 * @param count    number of bytes, {@code >= 0}
 */
public record FileSegment(FileChannel channel, long position, long count) {

    public FileSegment {
        Objects.requireNonNull(channel, "channel");
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
    }
}
