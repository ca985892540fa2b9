package io.fjord.index;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the offset and time indexes share: a preallocated, memory-mapped file of fixed-size
 * entries sorted by a search key, a published entry count, warm-section floor search,
 * truncation, trimming and the file lifecycle.
 *
 * <pre>
 *  slot:  0       1       2            entries-1   entries          maxEntries
 *        +-------+-------+-- ... --+-----------+----------+-- ... --+
 *        | entry | entry |         |   entry   |  (free)  |         |
 *        +-------+-------+-- ... --+-----------+----------+-- ... --+
 *        |<--- cold: binary search --->|<- warm: last 8 KiB ->|
 * </pre>
 *
 * <h2>Thread safety</h2>
 * One writer thread calls the mutators ({@code append}, {@code maybeAppend}, {@link #truncateTo},
 * {@link #reset}, {@link #trimToValidSize}, {@link #flush}, {@link #renameTo}). Any number of
 * threads may call lookups, {@link #entries()} and {@code last*()} concurrently with appends: the
 * writer stores the entry bytes first and then publishes the new count with a release store;
 * readers load the count with an acquire load and only read slots below it, which the writer
 * never rewrites while appending. {@link #truncateTo} and {@link #reset} do rewrite history, so
 * the caller must fence readers off while they run (the log truncates only during recovery or a
 * leader change). {@link #trimToValidSize} may run while readers still use the index.
 * {@link #close()} and {@link #closeAndDelete()} unmap the file: the caller guarantees that no
 * lookup races with them (on JDK 17-21 a racing read would touch unmapped memory).
 *
 * <p>The writer thread is deliberately not asserted: an index is commonly rebuilt by a recovery
 * thread and then handed to the partition writer, with a happens-before edge between the two.
 */
abstract class AbstractIndex implements Closeable
{
    /**
     * Size of the warm section, the tail of the index searched first.
     *
     * <p>Why (Kafka measured this, KAFKA-6432 era): appends always write the last page of the
     * index and almost every lookup comes from in-sync followers and tailing consumers asking for
     * offsets near the end, so the last few pages stay in the page cache. A plain binary search
     * over all N entries starts at N/2, N/4, ..., i.e. it touches pages in the middle of the file
     * that nobody else reads; once the OS has evicted them each such lookup takes a major page
     * fault (a disk read, milliseconds) on the produce/fetch path. 8192 bytes is two 4 KiB pages
     * (three if unaligned): small enough that every warm lookup touches all of them, keeping them
     * hot, and large enough to cover the tail readers care about: 8192 / 8 = 1024 offset-index
     * entries, which at one entry per 4096 log bytes ({@code index.interval.bytes}) is about 4 MiB
     * of the newest log; 8192 / 12 = 682 time-index entries.
     */
    static final int WARM_SECTION_BYTES = 8192;

    private static final VarHandle ENTRIES;

    static
    {
        try
        {
            ENTRIES = MethodHandles.lookup().findVarHandle(AbstractIndex.class, "entries", int.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long baseOffset;
    private final int entrySizeBytes;
    private final int warmEntries;
    private final MappedIndexFile indexFile;
    /**
     * The mapping, made on first use (Kafka's LazyIndex): an index that is opened but never read,
     * such as an older segment's after a clean restart, costs no mapping and no preallocation.
     * Null until then, after {@link #unmap()}, and once closed.
     */
    private volatile MappedByteBuffer buffer;
    private volatile boolean closed;
    /** Trimmed to its entries and taking no more: mapped at its exact length, not preallocated. */
    private volatile boolean sealed;
    /** Written only by the writer, with {@link VarHandle#setRelease}; readers use getAcquire. */
    @SuppressWarnings("unused")
    private int entries;
    /** Slots backed by the file: all mapped slots, or {@code entries} after a trim. */
    private volatile int maxEntries;

    AbstractIndex(final Path file, final long baseOffset, final int maxIndexBytes, final int entrySizeBytes)
        throws IOException
    {
        if (baseOffset < 0)
        {
            throw new IllegalArgumentException("baseOffset must be >= 0: " + baseOffset + " for " + file);
        }
        this.baseOffset = baseOffset;
        this.entrySizeBytes = entrySizeBytes;
        this.warmEntries = WARM_SECTION_BYTES / entrySizeBytes;
        this.indexFile = MappedIndexFile.open(file, entrySizeBytes, maxIndexBytes);
        this.maxEntries = indexFile.fullBytes() / entrySizeBytes;
        ENTRIES.setRelease(this, indexFile.initialValidBytes() / entrySizeBytes);
    }

    /** The search key of a slot: relative offset for the offset index, timestamp for the time index. */
    abstract long keyAt(ByteBuffer buffer, int slot);

    /** The relative offset stored in a slot. */
    abstract int relativeOffsetAt(ByteBuffer buffer, int slot);

    public final Path file()
    {
        return indexFile.path();
    }

    public final long baseOffset()
    {
        return baseOffset;
    }

    /** Number of valid entries, as published to readers (acquire load). */
    public final int entries()
    {
        return (int)ENTRIES.getAcquire(this);
    }

    /** Number of entries the file can hold now; equals {@link #entries()} after a trim. */
    public final int maxEntries()
    {
        return maxEntries;
    }

    /** Absolute offset of the last entry, or the base offset if the index is empty. */
    public final long lastOffset()
    {
        final ByteBuffer buffer = buffer();
        final int count = entries();
        return count == 0 ? baseOffset : baseOffset + relativeOffsetAt(buffer, count - 1);
    }

    /**
     * Removes every entry whose absolute offset is {@code >= offset}, then re-extends a trimmed
     * file to its preallocated size so appends can continue. Must not race with readers.
     */
    public final void truncateTo(final long offset)
    {
        final ByteBuffer buffer = buffer();
        final int count = writerEntries();
        final int kept = countBelow(buffer, count, offset - baseOffset);
        ENTRIES.setRelease(this, kept);
        restorePreallocation();
    }

    /** Removes all entries; the file stays (or becomes again) preallocated. Must not race with readers. */
    public final void reset()
    {
        buffer();
        ENTRIES.setRelease(this, 0);
        restorePreallocation();
    }

    /**
     * Shrinks the file to exactly the valid entries (done when the segment rolls, so idle
     * segments do not hold preallocated space). The mapping is kept rather than remapped, so
     * readers may keep looking up concurrently: everything they read lies below the new EOF (see
     * {@link MappedIndexFile#truncateFileTo}). Afterwards the index is full.
     */
    public final void trimToValidSize() throws IOException
    {
        ensureOpen();
        final int count = writerEntries();
        maxEntries = count;
        sealed = true;
        indexFile.truncateFileTo(count * entrySizeBytes); // no mapping needed, and none made
    }

    /** Whether the file is mapped now (see {@link #buffer}). */
    public final boolean isMapped()
    {
        return buffer != null;
    }

    /**
     * Releases the mapping; the next lookup or append maps the file again. The file is first cut
     * to the valid entries, so it never holds a preallocated tail while unmapped. The caller
     * guarantees that no lookup or append runs concurrently (the log does this while loading,
     * before anyone reads). Idempotent.
     */
    public final synchronized void unmap() throws IOException
    {
        if (closed || buffer == null)
        {
            return;
        }
        final boolean wasSealed = sealed;
        trimToValidSize();
        if (!wasSealed)
        {
            // Still taking entries: the next mapping preallocates again.
            sealed = false;
            maxEntries = indexFile.fullBytes() / entrySizeBytes;
        }
        buffer = null;
        indexFile.unmap();
    }

    /**
     * Makes room for {@code moreEntries} appends without page faults into the file's preallocated
     * hole (see {@link MappedIndexFile#writeThrough}); writer thread only. Appends work without
     * it, just slower on their first store into each fresh page; calling it before the log bytes
     * are written lets a full disk fail the append before anything has changed.
     *
     * @throws IOException if the zeros cannot be written (a full disk, for one)
     */
    public final void prepareAppends(final int moreEntries) throws IOException
    {
        buffer();
        if (moreEntries < 0)
        {
            throw new IllegalArgumentException("moreEntries must be >= 0: " + moreEntries + " for " + file());
        }
        final long endBytes = (long)Math.min(maxEntries, (long)writerEntries() + moreEntries) * entrySizeBytes;
        indexFile.writeThrough((int)endBytes);
    }

    /** Forces the entries to the storage device, mapped or not (see {@code MappedIndexFile.force}). */
    public final void flush() throws IOException
    {
        ensureOpen();
        indexFile.force(); // msync while mapped; while unmapped, an fsync if the file changed since the last
    }

    /** Moves the file. The mapping and descriptor stay valid; allowed after close too. */
    public final void renameTo(final Path newFile) throws IOException
    {
        indexFile.renameTo(newFile);
    }

    /**
     * Trims the file to the valid entries, unmaps it and closes the descriptor. Idempotent. The
     * caller guarantees that no lookup runs concurrently or afterwards.
     */
    @Override
    public final synchronized void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        try
        {
            trimToValidSize();
        }
        finally
        {
            closed = true;
            buffer = null;
            indexFile.close();
        }
    }

    /** Unmaps, closes and deletes the file, without trimming first. Idempotent. */
    public final synchronized void closeAndDelete() throws IOException
    {
        closed = true;
        buffer = null;
        indexFile.close();
        Files.deleteIfExists(indexFile.path());
    }

    /**
     * The mapped buffer, mapping the file on first use; {@link IllegalStateException} once the
     * index is closed, {@link UncheckedIOException} if the mapping fails.
     */
    final ByteBuffer buffer()
    {
        final ByteBuffer buffer = this.buffer;
        return buffer != null ? buffer : mapLazily();
    }

    private synchronized ByteBuffer mapLazily()
    {
        ensureOpen();
        MappedByteBuffer mapped = buffer;
        if (mapped == null)
        {
            try
            {
                mapped = indexFile.map(!sealed);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("Cannot map index " + file() + ": " + e.getMessage(), e);
            }
            if (!sealed)
            {
                maxEntries = indexFile.mappedBytes() / entrySizeBytes;
            }
            buffer = mapped;
        }
        return mapped;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("Index " + file() + " is closed");
        }
    }

    /** The entry count as the writer sees it; only the writer thread may call this. */
    final int writerEntries()
    {
        return (int)ENTRIES.get(this);
    }

    /** Publishes one more entry after its bytes have been written (release store). */
    final void publishAppend(final int newCount)
    {
        ENTRIES.setRelease(this, newCount);
    }

    final int entrySizeBytes()
    {
        return entrySizeBytes;
    }

    /**
     * Slot of the entry with the largest key {@code <= targetKey} among the first {@code count}
     * slots, or -1 if none. Searches the warm tail first (see {@link #WARM_SECTION_BYTES}).
     */
    final int floorSlot(final ByteBuffer buffer, final int count, final long targetKey)
    {
        if (count == 0)
        {
            return -1;
        }
        final int firstWarmSlot = Math.max(0, count - 1 - warmEntries);
        if (keyAt(buffer, firstWarmSlot) <= targetKey)
        {
            return floorSlotIn(buffer, firstWarmSlot, count - 1, targetKey);
        }
        if (keyAt(buffer, 0) > targetKey)
        {
            return -1;
        }
        // keyAt(firstWarmSlot) > targetKey, so the answer lies strictly before it.
        return floorSlotIn(buffer, 0, firstWarmSlot - 1, targetKey);
    }

    /** Binary search in [low, high], given keyAt(low) <= targetKey. */
    private int floorSlotIn(final ByteBuffer buffer, final int lowSlot, final int highSlot, final long targetKey)
    {
        int low = lowSlot;
        int high = highSlot;
        while (low < high)
        {
            // Upper middle so that low = mid always makes progress.
            final int mid = (low + high + 1) >>> 1;
            if (keyAt(buffer, mid) <= targetKey)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return low;
    }

    /** Number of leading entries whose relative offset is below {@code relativeTarget}. */
    private int countBelow(final ByteBuffer buffer, final int count, final long relativeTarget)
    {
        int low = 0;
        int high = count;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (relativeOffsetAt(buffer, mid) < relativeTarget)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /**
     * Unchecked because truncation and reset are not expected to do I/O: they only touch the
     * file when it was trimmed before, and then only to grow it back (a metadata update).
     */
    private void restorePreallocation()
    {
        try
        {
            indexFile.restorePreallocation();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("Cannot re-extend index " + file() + " to " +
                indexFile.fullBytes() + " bytes", e);
        }
        sealed = false;
        if (buffer != null)
        {
            buffer = indexFile.currentBuffer(); // a sealed index's exact-length mapping was replaced
        }
        maxEntries = indexFile.mappedBytes() / entrySizeBytes;
    }

    final IndexOutOfBoundsException entryOutOfBounds(final int n, final int count)
    {
        return new IndexOutOfBoundsException("Entry " + n + " out of bounds for index " + file() +
            " with " + count + " entries");
    }
}
