package io.fjord.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file under an index: opened (or created) without mapping; on first use preallocated and
 * mapped (or, for a sealed index that takes no more entries, mapped at its exact length); later
 * trimmed, re-extended, renamed, unmapped, and possibly mapped again. While mapped, the mapping is
 * replaced only by a re-extension of a sealed index, which the caller fences readers off for.
 * Knows nothing about entries beyond their size.
 *
 * <pre>
 *  byte 0                    fileBytes             mappedBytes
 *  |<--- entries (valid) --->|<--- preallocated --->|
 *  |<---------------- one mapping, made on first use ---------------->|
 * </pre>
 *
 * <p>After a trim {@code fileBytes} is smaller than {@code mappedBytes}: the tail of the mapping
 * then lies beyond EOF and must not be touched until the file is extended again.
 *
 * <p>Write-through before store ({@link #writeThrough}): the preallocated tail is a hole, and the
 * first store into a hole page through the mapping is a read fault, which the kernel answers with
 * mmap read-around: up to {@code read_ahead_kb} of the file (8 MiB on the VM the benchmarks ran
 * on, whose block device has that setting) is zero-filled into the page cache at once, on the
 * writer's time, for entries it will not need for a long while. The writer therefore puts the
 * pages ahead of the next entries into the page cache with a positional write of zeros, a chunk
 * at a time, so its stores find them resident. A full disk then also surfaces here, as an
 * {@link IOException} before anything is appended, instead of as a SIGBUS on a store.
 *
 * <p>No descriptor is held: a mapping outlives the channel it was made through, so the file is
 * closed right after mapping (as Kafka's indexes do) and opened again only for the moment a
 * write-through, trim or re-extension needs it. An open segment therefore costs one descriptor
 * (its log file), not three, and the broker's partition count is not bounded by the index files.
 *
 * <p>Thread safety: every method except {@link #buffer()} and {@link #path()} belongs to the
 * index's single writer thread.
 */
final class MappedIndexFile
{
    /**
     * How far ahead {@link #writeThrough} writes: 64 KiB is 8,192 offset-index entries, about 32 MiB
     * of log at the default {@code index.interval.bytes}, so one small write per that much log.
     */
    static final int WRITE_THROUGH_CHUNK_BYTES = 64 * 1024;
    /**
     * The first write-through of an index covers one page; each later one about as much as has
     * been written through so far, up to {@link #WRITE_THROUGH_CHUNK_BYTES}. At 10,000 partitions
     * a fixed 64 KiB per index was 1.3 GB of zeros written (and later freed by the trim) for
     * partitions holding a few records each.
     */
    static final int MIN_WRITE_THROUGH_BYTES = 4096;
    /** Read-only source of zeros for {@link #writeThrough}; each call uses its own duplicate. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(WRITE_THROUGH_CHUNK_BYTES).asReadOnlyBuffer();

    private volatile Path path;
    /** Size of a full mapping: the preallocated size, or the file's length at open if longer. */
    private final int fullBytes;
    private final int initialValidBytes;
    /** The current mapping, or null before the first use and after {@link #unmap()}. */
    private MappedRegion region;
    /** Size of the current (or last) mapping. */
    private int mappedBytes;
    private long fileBytes;
    /** File bytes below which no hole remains, as far as the writer knows: written, or holding entries. */
    private int writtenThroughBytes;
    private boolean closed;
    /**
     * The file may hold changes no sync has covered: stores through a mapping (which stay dirty
     * in the page cache after an unmap: munmap writes nothing back), a trim, an extension or a
     * write-through. Set by the writer, cleared by {@link #force()} on whichever thread flushes.
     */
    private volatile boolean unsynced;

    private MappedIndexFile(final Path path, final int fullBytes, final int initialValidBytes)
    {
        this.path = path;
        this.fullBytes = fullBytes;
        this.mappedBytes = fullBytes;
        this.initialValidBytes = initialValidBytes;
        this.fileBytes = initialValidBytes;
        this.writtenThroughBytes = initialValidBytes;
    }

    /**
     * Opens or creates the file, without mapping it yet ({@link #map}). Its current length is
     * taken as valid entries (a cleanly closed index is trimmed to exactly its entries). A full
     * mapping preallocates the file to {@code maxIndexBytes} rounded down to whole entries, unless
     * it is already longer, in which case it keeps its length so no entry is lost.
     */
    static MappedIndexFile open(final Path path, final int entrySizeBytes, final int maxIndexBytes) throws IOException
    {
        if (maxIndexBytes < 0)
        {
            throw new IllegalArgumentException("maxIndexBytes must be >= 0: " + maxIndexBytes + " for " + path);
        }
        long existingBytes;
        try
        {
            existingBytes = Files.size(path); // a stat: no descriptor, no mapping
        }
        catch (final NoSuchFileException e)
        {
            try
            {
                Files.createFile(path);
            }
            catch (final FileAlreadyExistsException raced)
            {
                // created meanwhile: as good
            }
            existingBytes = Files.size(path);
        }
        if (existingBytes % entrySizeBytes != 0)
        {
            throw new CorruptIndexException("Index file " + path + " has length " + existingBytes +
                " bytes, which is not a multiple of the entry size " + entrySizeBytes);
        }
        if (existingBytes > Integer.MAX_VALUE)
        {
            throw new CorruptIndexException("Index file " + path + " has length " + existingBytes +
                " bytes, more than a single mapping can hold (" + Integer.MAX_VALUE + ")");
        }
        final int preallocatedBytes = maxIndexBytes - maxIndexBytes % entrySizeBytes;
        return new MappedIndexFile(path, (int)Math.max(existingBytes, preallocatedBytes), (int)existingBytes);
    }

    /**
     * Maps the file if it is not mapped: fully ({@code preallocate}, extending the file to the
     * full size first; sparse on Linux, no disk blocks until entries are written) or just its
     * current length (a sealed index that takes no more entries). The descriptor is closed again
     * at once: the mapping outlives it.
     */
    MappedByteBuffer map(final boolean preallocate) throws IOException
    {
        if (closed)
        {
            throw new IllegalStateException("Index file " + path + " is closed");
        }
        if (region != null)
        {
            return region.buffer();
        }
        final int target = preallocate ? (int)Math.max(fullBytes, fileBytes) : (int)fileBytes;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            if (target > fileBytes)
            {
                extend(channel, target);
                fileBytes = target;
            }
            unsynced = true; // stores through the mapping follow
            region = MappedRegion.mapReadWrite(channel, target);
            mappedBytes = target;
        }
        return region.buffer();
    }

    /** The current mapping's buffer, or null while unmapped. */
    MappedByteBuffer currentBuffer()
    {
        final MappedRegion mapped = region;
        return mapped == null ? null : mapped.buffer();
    }

    boolean isMapped()
    {
        return region != null;
    }

    /** Releases the mapping; the file stays as it is. The caller guarantees no access races. */
    void unmap()
    {
        final MappedRegion mapped = region;
        region = null;
        if (mapped != null)
        {
            mapped.unmap();
        }
    }

    Path path()
    {
        return path;
    }

    /** Size of the current mapping; of a full mapping while unmapped. */
    int mappedBytes()
    {
        return region == null ? fullBytes : mappedBytes;
    }

    int fullBytes()
    {
        return fullBytes;
    }

    int initialValidBytes()
    {
        return initialValidBytes;
    }

    long fileBytes()
    {
        return fileBytes;
    }

    /**
     * Writes zeros through the file from what is already written up to at least {@code endBytes}
     * (rounded up to a chunk of {@link #MIN_WRITE_THROUGH_BYTES} to {@link #WRITE_THROUGH_CHUNK_BYTES},
     * capped at the file's end), so that stores
     * below {@code endBytes} through the mapping find their pages resident instead of faulting in a
     * hole. Never touches bytes below the point already written through, so valid entries are safe
     * and readers, who only read published entries, never see the zeros arrive.
     */
    void writeThrough(final int endBytes) throws IOException
    {
        if (endBytes <= writtenThroughBytes)
        {
            return;
        }
        // The chunk grows with the index, from one page to WRITE_THROUGH_CHUNK_BYTES: an index that
        // takes few entries (an idle partition's, among thousands) costs a page of zeros, not 64 KiB.
        final int chunk = Math.min(WRITE_THROUGH_CHUNK_BYTES,
            Math.max(MIN_WRITE_THROUGH_BYTES, Integer.highestOneBit(Math.max(1, writtenThroughBytes))));
        final long alignedEnd = ((long)endBytes + chunk - 1) / chunk * chunk;
        final int end = (int)Math.min(alignedEnd, fileBytes);
        final ByteBuffer zeros = ZEROS.duplicate();
        int position = writtenThroughBytes;
        unsynced = true;
        // Briefly opened: once per chunk, i.e. per 8,192 offset-index entries at most.
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            while (position < end)
            {
                zeros.clear().limit(Math.min(zeros.capacity(), end - position));
                while (zeros.hasRemaining())
                {
                    position += channel.write(zeros, position);
                }
            }
        }
        writtenThroughBytes = Math.max(writtenThroughBytes, end);
    }

    /**
     * Shrinks the file, keeping the mapping. Remapping would swap the buffer under concurrent
     * readers; keeping it is safe because readers only touch bytes below the new EOF. On Linux an
     * access to a mapped page wholly beyond EOF raises SIGBUS (an {@code InternalError} in Java),
     * and the page that straddles EOF stays readable, so nothing valid becomes unreachable.
     */
    void truncateFileTo(final int newFileBytes) throws IOException
    {
        if (newFileBytes == fileBytes)
        {
            return; // nothing to cut: no need to open the file
        }
        unsynced = true;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            channel.truncate(newFileBytes);
        }
        fileBytes = newFileBytes;
        // Pages beyond the new end are dropped: a later re-extension brings holes back.
        writtenThroughBytes = Math.min(writtenThroughBytes, newFileBytes);
    }

    /**
     * Re-extends a trimmed file to the full mapping so the tail of the mapping is backed again;
     * a mapping of a sealed index's exact length is replaced by a full one (the caller fences
     * readers off, as for every truncation).
     */
    void restorePreallocation() throws IOException
    {
        if (region != null && mappedBytes < fullBytes)
        {
            unmap();
            map(true);
            return;
        }
        if (region != null && fileBytes < mappedBytes)
        {
            unsynced = true;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE))
            {
                extend(channel, mappedBytes);
            }
            fileBytes = mappedBytes;
        }
    }

    /**
     * Extends the file to {@code newBytes} (larger than its size) as {@code RandomAccessFile.setLength}
     * does, with a zero written at the new last byte: still sparse in between. Through the path's
     * own file system provider (not {@code java.io.File}), so a simulated disk sees it.
     */
    private static void extend(final FileChannel channel, final long newBytes) throws IOException
    {
        final ByteBuffer zero = ByteBuffer.allocate(1);
        // (the caller's map or re-extension marks the file unsynced)
        while (zero.hasRemaining())
        {
            channel.write(zero, newBytes - 1);
        }
    }

    /**
     * Makes the file durable as it is: while mapped, an msync of the mapping (which on Linux also
     * writes the length a trim or an extension changed); while unmapped, an fsync of the file if it
     * changed since the last sync. An unmapped index is not clean: the stores made through its
     * last mapping stay dirty in the page cache after the unmap (munmap writes nothing back), and
     * only an fsync of the file writes them. (Until 2026-12 nothing was done while unmapped, so an
     * index evicted from the mapping cache before its segment rolled was never made durable, and
     * after a power loss a clean start trusted a torn one: PowerLossTest found it.)
     *
     * <p>{@code MappedByteBuffer.force()} (msync) goes to the kernel directly, past the path's
     * file system provider. A path of another file system than the platform's (the power-loss
     * simulating disk of the engine's crash tests) is forced through a channel as well, so that
     * its provider learns what became durable; the platform's file system pays nothing for it.
     */
    void force() throws IOException
    {
        final MappedRegion mapped = region;
        final boolean changed = unsynced;
        unsynced = false; // first: a change made during the sync marks the file again
        try
        {
            if (mapped != null)
            {
                mapped.buffer().force();
            }
            if (mapped == null ? changed : path.getFileSystem() != FileSystems.getDefault())
            {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
                {
                    channel.force(true);
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            unsynced = true;
            throw e;
        }
    }

    /** Moves the file; the mapping follows the inode and later brief opens use the new name. */
    void renameTo(final Path newPath) throws IOException
    {
        try
        {
            Files.move(path, newPath, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            Files.move(path, newPath, StandardCopyOption.REPLACE_EXISTING);
        }
        path = newPath;
    }

    boolean isClosed()
    {
        return closed;
    }

    /** Unmaps (there is no descriptor to close). Idempotent. */
    void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        unmap();
    }
}
