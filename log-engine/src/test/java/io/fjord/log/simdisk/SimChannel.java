package io.fjord.log.simdisk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A channel on the simulated disk: reads go to the real file; every write, truncation and
 * {@link #force} goes through the {@link PowerLossDisk} (a possible crash point; a force makes
 * the file's current content, or a directory's current entries, durable). A mapping is the real
 * file's: stores through it change the volatile content without the disk hearing of them, as
 * dirty mapped pages do, and only a later force of the file makes them durable.
 */
final class SimChannel extends FileChannel {
    private final PowerLossDisk disk;
    private final PowerLossDisk.Node node;
    private final FileChannel real;

    SimChannel(PowerLossDisk disk, PowerLossDisk.Node node, FileChannel real) {
        this.disk = disk;
        this.node = node;
        this.real = real;
    }

    FileChannel real() {
        return real;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return disk.mutate("write", node, () -> real.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return disk.mutate("write", node, () -> real.write(srcs, offset, length));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return disk.mutate("write", node, () -> real.write(src, position));
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        disk.mutate("truncate", node, () -> real.truncate(size));
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        disk.force(node, real);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return disk.mutate("write", node, () -> real.transferFrom(src, position, count));
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
