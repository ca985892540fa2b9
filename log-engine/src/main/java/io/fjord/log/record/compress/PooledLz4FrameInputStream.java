package io.fjord.log.record.compress;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one LZ4 frame (lz4's {@code lz4_Frame_format.md}) with block buffers reused across streams of the same
 * thread. lz4-java's {@code LZ4FrameInputStream} allocates two block-sized buffers per stream, 128 KiB for
 * Kafka's 64 KiB blocks: paid on every produced lz4 batch now that each one is checked, that was most of what
 * validating it allocated. Here the buffers are checked out of a per-thread slot when a stream opens and put
 * back when it closes (a stream opened while another is open on the thread allocates its own).
 *
 * <pre>
 *   magic 0x184D2204 (LE) | FLG | BD | [content size, 8 bytes] | HC
 *   blocks: int32 LE size (high bit: stored uncompressed; 0: end mark) | data | [xxHash32 of data]
 *   after the end mark: [xxHash32 of the content]
 * </pre>
 * Accepted as Kafka's reader accepts: version 01, independent blocks, no dictionary id, max block size
 * 64 KiB-4 MiB, header checksum verified; block checksums are verified when present, the content size and
 * content checksum are skipped. Bytes after the frame's end are ignored. Not thread-safe (one stream, one thread).
 */
final class PooledLz4FrameInputStream extends InputStream {
    private static final int MAGIC = 0x184D2204;
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();
    /** Larger blocks (1 and 4 MiB, which Kafka's producers never write) are not kept between streams. */
    private static final int MAX_POOLED_BLOCK_BYTES = 256 * 1024;
    private static final ThreadLocal<byte[][]> POOL = new ThreadLocal<>();

    private final InputStream in;
    private final boolean blockChecksums;
    private final boolean contentChecksum;
    private final int maxBlockBytes;
    private final byte[] scratch = new byte[4];
    /** The checked-out pair {compressed block, decompressed block}; null once closed. */
    private byte[][] buffers;
    private byte[] compressed;
    private byte[] decompressed;
    private int position;
    private int limit;
    private boolean finished;

    PooledLz4FrameInputStream(InputStream in) throws IOException {
        this.in = in;
        byte[] header = new byte[15];
        readFully(header, 0, 7);
        if (intLE(header, 0) != MAGIC) {
            throw new IOException("not an LZ4 frame: magic 0x" + Integer.toHexString(intLE(header, 0)));
        }
        int flg = header[4] & 0xFF;
        int bd = header[5] & 0xFF;
        if ((flg >>> 6) != 1 || (flg & 0x02) != 0 || (bd & 0x8F) != 0) {
            throw new IOException("unsupported LZ4 frame descriptor FLG 0x" + Integer.toHexString(flg) + " BD 0x"
                    + Integer.toHexString(bd));
        }
        if ((flg & 0x20) == 0) {
            throw new IOException("dependent LZ4 blocks are not supported (Kafka's reader refuses them too)");
        }
        if ((flg & 0x01) != 0) {
            throw new IOException("LZ4 frames with a dictionary id are not supported");
        }
        blockChecksums = (flg & 0x10) != 0;
        contentChecksum = (flg & 0x04) != 0;
        int blockSizeId = (bd >>> 4) & 0x07;
        if (blockSizeId < 4) {
            throw new IOException("invalid LZ4 max block size id " + blockSizeId);
        }
        maxBlockBytes = 1 << (2 * blockSizeId + 8);
        int descriptorEnd = 6;
        if ((flg & 0x08) != 0) {
            readFully(header, 7, 8); // the content size, unused
            descriptorEnd += 8;
        }
        int hc = header[descriptorEnd] & 0xFF;
        int expected = (XXHASH.hash(header, 4, descriptorEnd - 4, 0) >>> 8) & 0xFF;
        if (hc != expected) {
            throw new IOException("LZ4 frame header checksum 0x" + Integer.toHexString(hc) + " where 0x"
                    + Integer.toHexString(expected) + " belongs");
        }
        byte[][] pooled = POOL.get();
        if (pooled != null && pooled[0].length >= maxBlockBytes) {
            POOL.set(null);
            buffers = pooled;
        } else {
            buffers = new byte[][] {new byte[maxBlockBytes], new byte[maxBlockBytes]};
        }
        compressed = buffers[0];
        decompressed = buffers[1];
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !nextBlock()) {
            return -1;
        }
        return decompressed[position++] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit && !nextBlock()) {
            return -1;
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(decompressed, position, into, offset, n);
        position += n;
        return n;
    }

    private boolean nextBlock() throws IOException {
        if (finished) {
            return false;
        }
        if (compressed == null) {
            throw new IOException("stream closed");
        }
        readFully(compressed, 0, 4);
        int size = intLE(compressed, 0);
        if (size == 0) {
            finished = true;
            if (contentChecksum) {
                readFully(compressed, 0, 4); // present, not verified (the records' own checks follow)
            }
            return false;
        }
        boolean stored = size < 0;
        int bytes = size & 0x7FFFFFFF;
        if (bytes > maxBlockBytes) {
            throw new IOException("LZ4 block of " + bytes + " bytes in a frame of " + maxBlockBytes + "-byte blocks");
        }
        byte[] target = stored ? decompressed : compressed;
        readFully(target, 0, bytes);
        if (blockChecksums) {
            readFully(scratch, 0, 4);
            if (intLE(scratch, 0) != XXHASH.hash(target, 0, bytes, 0)) {
                throw new IOException("LZ4 block checksum mismatch");
            }
        }
        if (stored) {
            limit = bytes;
        } else {
            try {
                limit = DECOMPRESSOR.decompress(compressed, 0, bytes, decompressed, 0, maxBlockBytes);
            } catch (LZ4Exception e) {
                throw new IOException("malformed LZ4 block: " + e.getMessage(), e);
            }
        }
        position = 0;
        return true;
    }

    /** Returns the block buffers to this thread's slot; the stream reads nothing more. */
    @Override
    public void close() throws IOException {
        byte[][] returned = buffers;
        buffers = null;
        compressed = null;
        decompressed = null;
        finished = true;
        position = 0;
        limit = 0;
        if (returned != null && returned[0].length <= MAX_POOLED_BLOCK_BYTES && POOL.get() == null) {
            POOL.set(returned);
        }
        in.close();
    }

    private void readFully(byte[] into, int offset, int length) throws IOException {
        for (int done = 0; done < length; ) {
            int n = in.read(into, offset + done, length - done);
            if (n < 0) {
                throw new EOFException("the LZ4 frame ends early");
            }
            done += n;
        }
    }

    private static int intLE(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16
                | (bytes[at + 3] & 0xFF) << 24;
    }
}
