package io.fjord.log.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A file channel whose descriptor lives in a {@link ResourceCache}: the cache may close the
 * descriptor while the channel is idle, and the next operation opens the file again by its
 * current name. Everyone who holds the channel (a segment, a fetch's sendfile region on the
 * network thread, a log reader) keeps a valid channel however long they hold it; only the
 * descriptor comes and goes. Each operation pins the descriptor for its own duration (see
 * {@link Evictable}), so a {@code transferTo} in flight is never closed under the socket.
 *
 * <p>The file must keep its name while the channel is open, except through {@link #move}, which
 * renames it under the same monitor a reopening takes, so a reopening never opens a stale name
 * (or, worse, a newer file that took the old name).
 *
 * <p>{@link #close()} closes the channel for good, at once, as {@link FileChannel#close()} does.
 * Positional operations are what the engine uses; the relative ones keep their own position.
 */
public final class CachedFileChannel extends FileChannel {
    private final Handle handle;
    private final Object positionLock = new Object();
    private long position;

    private CachedFileChannel(ResourceCache cache, FileIo io, Path path, OpenOption[] reopenOptions) {
        this.handle = new Handle(cache, io, path, reopenOptions);
    }

    /**
     * Opens {@code path} through {@code io} with {@code options} (now, so errors surface here as
     * with any open); reopenings use the same options minus those that create or truncate.
     */
    static CachedFileChannel open(ResourceCache cache, FileIo io, Path path, OpenOption... options)
            throws IOException {
        CachedFileChannel channel = new CachedFileChannel(cache, io, path, reopenOptions(options));
        channel.handle.openWith(options);
        return channel;
    }

    private static OpenOption[] reopenOptions(OpenOption[] options) {
        List<OpenOption> kept = new ArrayList<>();
        for (OpenOption option : options) {
            if (option != StandardOpenOption.CREATE && option != StandardOpenOption.CREATE_NEW
                    && option != StandardOpenOption.TRUNCATE_EXISTING && option != StandardOpenOption.DELETE_ON_CLOSE) {
                kept.add(option);
            }
        }
        return kept.toArray(new OpenOption[0]);
    }

    /** The file's current name. */
    public Path path() {
        return handle.path;
    }

    /** Whether a descriptor is open now (for tests and metrics). */
    public boolean hasDescriptor() {
        return handle.isOpen();
    }

    /**
     * Renames the file atomically; the channel keeps working and later reopenings use the new
     * name. {@code channel} may be any channel: a plain one is simply renamed under.
     */
    public static void move(FileChannel channel, Path from, Path to) throws IOException {
        if (channel instanceof CachedFileChannel cached) {
            synchronized (cached.handle.openLock()) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                cached.handle.path = to;
            }
        } else {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return (int) pinned(file -> file.read(dst, position));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return (int) pinned(file -> file.write(src, position));
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return pinned(file -> file.transferTo(position, count, target)); // the real channel: sendfile
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return pinned(file -> file.transferFrom(src, position, count));
    }

    @Override
    public long size() throws IOException {
        return pinned(FileChannel::size);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        pinned(file -> {
            file.truncate(size);
            synchronized (positionLock) {
                position = Math.min(position, size);
            }
            return 0;
        });
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        pinned(file -> {
            file.force(metaData); // fsync works on the inode: dirty pages written via any descriptor
            return 0;
        });
    }

    /** One operation on the real channel, held open for it by a pin. */
    @FunctionalInterface
    private interface PinnedOperation {
        long on(FileChannel file) throws IOException;
    }

    /**
     * Runs {@code operation} on the pinned real channel. If it fails because the descriptor was closed
     * under it (an interrupt of any thread using it closes it for all), the file is reopened for the
     * other users; the failed operation still fails.
     */
    private long pinned(PinnedOperation operation) throws IOException {
        FileChannel file = handle.pin();
        try {
            return operation.on(file);
        } catch (ClosedChannelException e) {
            handle.reopenIfClosedUnder(file);
            throw e;
        } finally {
            handle.release();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (positionLock) {
            int n = read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (positionLock) {
            int n = write(src, position);
            position += n;
            return n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
            if (srcs[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        synchronized (positionLock) {
            return position;
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        synchronized (positionLock) {
            position = newPosition;
        }
        return this;
    }

    /** Not supported: a mapping would outlive the descriptor's eviction unnoticed by the cache. */
    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("a cached log file channel is not mapped: " + handle.path);
    }

    /** Not supported: a lock belongs to a descriptor, which the cache may close. */
    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("a cached log file channel is not locked: " + handle.path);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("a cached log file channel is not locked: " + handle.path);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        handle.retireNow();
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw closedChannel();
        }
    }

    private static IOException closedChannel() {
        return new ClosedChannelException();
    }

    @Override
    public String toString() {
        return "CachedFileChannel(" + handle.path + ")";
    }

    /** The descriptor and what it takes to open it again. */
    private static final class Handle extends Evictable {
        private final FileIo io;
        private final OpenOption[] reopenOptions;
        private volatile Path path;
        /** Written under the monitor before the use count publishes it; read by pinned uses. */
        private volatile FileChannel file;
        private OpenOption[] nextOpenOptions;

        Handle(ResourceCache cache, FileIo io, Path path, OpenOption[] reopenOptions) {
            super(cache);
            this.io = io;
            this.path = path;
            this.reopenOptions = reopenOptions;
        }

        void openWith(OpenOption[] options) throws IOException {
            nextOpenOptions = options;
            openInitially();
        }

        FileChannel pin() throws IOException {
            acquire();
            return file;
        }

        @Override
        protected void doOpen() throws IOException {
            OpenOption[] options = nextOpenOptions != null ? nextOpenOptions : reopenOptions;
            nextOpenOptions = null;
            file = io.open(path, options);
        }

        @Override
        protected void doClose() throws IOException {
            FileChannel open = file;
            file = null;
            if (open != null) {
                open.close();
            }
        }

        @Override
        protected IOException retiredException() {
            return closedChannel();
        }

        /**
         * After a use failed on a closed channel: if that was the descriptor itself, closed under
         * the use (an interrupt of any thread using a {@link FileChannel} closes it for every
         * thread), opens the file again in its place, so one interrupted thread (a cleaner or
         * scheduler stopping, a fetch's network thread) does not leave the segment unreadable and
         * unflushable for everyone else. The failed use still fails; uses in flight on the old
         * descriptor fail as they would have, and the count of uses is untouched: the entry stays
         * open in the cache, with one descriptor as before. Nothing is reopened once retired.
         */
        void reopenIfClosedUnder(FileChannel failed) {
            synchronized (openLock()) {
                if (failed == null || failed.isOpen() || file != failed || isRetired()) {
                    return; // closed by us (eviction, retirement) or already replaced
                }
                try {
                    file = io.open(path, reopenOptions);
                } catch (IOException | RuntimeException e) {
                    System.getLogger(CachedFileChannel.class.getName()).log(System.Logger.Level.WARNING,
                            "Reopening {0} after its descriptor was closed under a use failed: {1}", path,
                            e.toString());
                }
            }
        }

        void retireNow() throws IOException {
            retire();
        }

        @Override
        public String toString() {
            return "log file " + path;
        }
    }
}
