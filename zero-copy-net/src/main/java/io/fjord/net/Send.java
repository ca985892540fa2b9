package io.fjord.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * One response: an ordered list of parts, each either the remaining bytes of a {@link ByteBuffer} or
 * a {@link FileSegment}, written to the connection back to back and in order.
 *
 * <p><b>Framing is the caller's:</b> the net layer adds nothing. A protocol with size-prefixed
 * responses (Kafka's) puts the 4-byte size as the first buffer part. That keeps the adapter in control
 * of how responses are framed and lets the size cover file segments whose length only it knows.
 *
 * <p><b>Single use and ownership:</b> the send takes over its buffers: their positions advance as
 * bytes go out (no duplicate is made, to avoid an object per part), so the caller must not touch them
 * until the {@link SendListener}, if any, reports done. Consecutive buffer parts are written with one
 * gathering write; file segments with {@link FileChannel#transferTo} (sendfile).
 *
 * <p>Thread safety: build on any thread, then hand to {@link RequestContext#respond}; from then on the
 * send is confined to the connection's selector thread (the handoff is a safe publication).
 */
public final class Send {

    /**
     * Upper bound on bytes offered to one gathering write. Writing a heap buffer makes the JDK copy it
     * into a temporary direct buffer as large as the bytes offered, and that buffer is cached per
     * thread; offering a 50 MiB heap buffer in one call would pin 50 MiB of native memory on the
     * selector thread. 1 MiB is above the loopback socket buffer (at most 4 MiB autotuned, usually far
     * less free at a time), so the cap rarely costs an extra system call.
     */
    static final int MAX_BYTES_PER_WRITE = 1024 * 1024;

    private static final SendListener NO_LISTENER = written -> { };
    private static final System.Logger LOG = System.getLogger(Send.class.getName());

    /** buffers[i] is part i when it is a buffer, else null. */
    private final ByteBuffer[] buffers;
    /** files[i] is part i when it is a file segment, else null. */
    private final FileSegment[] files;
    /** For a buffer part i: the index after the last buffer of the run of buffers starting at i. */
    private final int[] bufferRunEnd;
    private final long sizeBytes;
    private final SendListener listener;

    // Write progress: only touched by the owning selector thread.
    private int partIndex;
    private long fileBytesSent;
    private boolean socketFull;
    private boolean released;
    /** Run after the listener on release: ends the request's hold on its frame (see RequestContext). */
    private Runnable releaseHook;

    private Send(final ByteBuffer[] buffers, final FileSegment[] files, final SendListener listener) {
        this.buffers = buffers;
        this.files = files;
        this.listener = listener;
        this.bufferRunEnd = new int[buffers.length];
        long size = 0;
        int runEnd = buffers.length;
        for (int i = buffers.length - 1; i >= 0; i--) {
            if (buffers[i] != null) {
                size += buffers[i].remaining();
                bufferRunEnd[i] = runEnd;
            } else {
                size += files[i].count();
                runEnd = i;
            }
        }
        this.sizeBytes = size;
    }

    /**
     * @param buffers the parts, in order; their remaining bytes are sent
     * @return a send of those buffers with no listener
     */
    public static Send of(final ByteBuffer... buffers) {
        final Builder builder = builder();
        for (ByteBuffer buffer : buffers) {
            builder.add(buffer);
        }
        return builder.build();
    }

    /** @return a builder for a send mixing buffers and file segments */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the total bytes of all parts, as measured when the send was built */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** @return the number of parts */
    public int partCount() {
        return buffers.length;
    }

    boolean isComplete() {
        return partIndex == buffers.length;
    }

    /**
     * Writes as much as the socket takes, at most about {@code maxBytes}.
     *
     * @return bytes written by this call; afterwards either the send is {@link #isComplete() complete},
     *         or {@link #isBlocked()} says the socket is full, or {@code maxBytes} were written
     * @throws IOException on a socket error, a closed file channel, or a file shorter than its segment
     */
    long writeTo(final SocketChannel socket, final long maxBytes) throws IOException {
        socketFull = false;
        long written = 0;
        while (partIndex < buffers.length && written < maxBytes && !socketFull) {
            if (buffers[partIndex] != null) {
                written += writeBufferRun(socket);
            } else {
                written += transferFile(socket, maxBytes - written);
            }
        }
        return written;
    }

    /** @return true if the last {@link #writeTo} stopped because the socket took no more */
    boolean isBlocked() {
        return socketFull;
    }

    private long writeBufferRun(final SocketChannel socket) throws IOException {
        final int runEnd = bufferRunEnd[partIndex];
        skipDrainedBuffers(runEnd);
        if (partIndex == runEnd) {
            return 0;
        }
        // Offer at most MAX_BYTES_PER_WRITE: shorten the one buffer that crosses the cap, restore it after.
        int end = partIndex;
        long offered = 0;
        int savedLimit = -1;
        while (end < runEnd && offered < MAX_BYTES_PER_WRITE) {
            final ByteBuffer b = buffers[end];
            final long room = MAX_BYTES_PER_WRITE - offered;
            if (b.remaining() > room) {
                savedLimit = b.limit();
                b.limit(b.position() + (int) room);
            }
            offered += b.remaining();
            end++;
        }
        final long n;
        try {
            n = socket.write(buffers, partIndex, end - partIndex);
        } finally {
            if (savedLimit >= 0) {
                buffers[end - 1].limit(savedLimit);
            }
        }
        skipDrainedBuffers(runEnd);
        // Taking less than offered means the socket buffer is full: wait for OP_WRITE rather than
        // spend a system call learning it again.
        socketFull = n < offered;
        return n;
    }

    private void skipDrainedBuffers(final int runEnd) {
        while (partIndex < runEnd && !buffers[partIndex].hasRemaining()) {
            partIndex++;
        }
    }

    private long transferFile(final SocketChannel socket, final long maxBytes) throws IOException {
        final FileSegment segment = files[partIndex];
        final long remaining = segment.count() - fileBytesSent;
        if (remaining == 0) {
            nextPart();
            return 0;
        }
        final long position = segment.position() + fileBytesSent;
        final long offered = Math.min(remaining, maxBytes);
        final long n;
        try {
            n = segment.channel().transferTo(position, offered, socket);
        } catch (java.nio.channels.ClosedChannelException e) {
            if (!segment.channel().isOpen()) {
                throw new SendFailedException("File segment's channel is closed", e);
            }
            throw e; // the socket was closed
        }
        if (n == 0) {
            // transferTo answers 0 both for a full socket and for a position at or past end of file;
            // only the second is an error, and it must not be mistaken for the first or the peer waits
            // forever for bytes that do not exist. One fstat per full-socket event is cheap.
            final long fileSize = segment.channel().size();
            if (fileSize < segment.position() + segment.count()) {
                throw new SendFailedException("File segment [" + segment.position() + ", +"
                    + segment.count() + ") runs past the end of its file (" + fileSize + " bytes)", null);
            }
        }
        fileBytesSent += n;
        if (fileBytesSent == segment.count()) {
            nextPart();
        }
        socketFull = n < offered;
        return n;
    }

    private void nextPart() {
        partIndex++;
        fileBytesSent = 0;
    }

    /**
     * Tells the listener, once; later calls do nothing. Called by whichever thread finished with the
     * send: the selector thread, or a responder that found the connection closed (never both, see
     * {@link RequestContext}).
     */
    void release(final boolean written) {
        if (released) {
            return;
        }
        released = true;
        try {
            listener.onSendDone(written);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SendListener threw; ignored", e);
        }
        if (releaseHook != null) {
            releaseHook.run();
        }
    }

    /** Set before the send is published as an answer (the publication makes it visible). */
    void releaseHook(final Runnable hook) {
        this.releaseHook = hook;
    }

    @Override
    public String toString() {
        return "Send{parts=" + buffers.length + ", sizeBytes=" + sizeBytes + ", partIndex=" + partIndex + '}';
    }

    /** Collects parts in order; not thread-safe. */
    public static final class Builder {
        private static final int INITIAL_PARTS = 4;

        private ByteBuffer[] buffers = new ByteBuffer[INITIAL_PARTS];
        private FileSegment[] files = new FileSegment[INITIAL_PARTS];
        private int count;
        private SendListener listener = NO_LISTENER;

        private Builder() {
        }

        /** Appends the remaining bytes of {@code buffer}, which the send then owns. */
        public Builder add(final ByteBuffer buffer) {
            ensureRoom();
            buffers[count++] = Objects.requireNonNull(buffer, "buffer");
            return this;
        }

        /** Appends a file region, sent with sendfile. */
        public Builder add(final FileSegment segment) {
            ensureRoom();
            files[count++] = Objects.requireNonNull(segment, "segment");
            return this;
        }

        /** Sets the listener told once when the send is written or dropped. */
        public Builder listener(final SendListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Send build() {
            return new Send(Arrays.copyOf(buffers, count), Arrays.copyOf(files, count), listener);
        }

        private void ensureRoom() {
            if (count == buffers.length) {
                buffers = Arrays.copyOf(buffers, count * 2);
                files = Arrays.copyOf(files, count * 2);
            }
        }
    }
}
