package io.fjord.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offsets to physical positions in a log segment, in Kafka's
 * {@code <20-digit base offset>.index} format: a memory-mapped, preallocated file of 8-byte
 * big-endian entries sorted by offset (layout in {@link OffsetIndexDescriptor}).
 *
 * <pre>
 *  +------------------+------------------+
 *  | relative offset  | position in .log |   entry 0  (bytes 0..7)
 *  |     int32        |      int32       |
 *  +------------------+------------------+
 *  | relative offset  | position in .log |   entry 1  (bytes 8..15)
 *  +------------------+------------------+
 *  |                ...                  |
 * </pre>
 *
 * <p>Offsets are stored relative to the segment's base offset to halve the entry size; a segment
 * therefore rolls before a relative offset would exceed {@link Integer#MAX_VALUE}. One entry is
 * added per {@code index.interval.bytes} of log, so a lookup returns a position from which the
 * reader scans forward at most about one interval.
 *
 * <p>Thread safety: one writer thread calls {@link #append} and the other mutators; any number
 * of threads may call {@link #lookup}, {@link #floorPosition}, {@link #entry}, {@link #entries()}
 * and {@link #lastOffset()} concurrently with appends. Details in {@link AbstractIndex}.
 */
public final class OffsetIndex extends AbstractIndex
{
    public static final int ENTRY_SIZE = OffsetIndexDescriptor.ENTRY_SIZE;

    /**
     * Opens or creates the index. An existing file's length must be a multiple of
     * {@link #ENTRY_SIZE} ({@link CorruptIndexException} otherwise) and all of it is taken as
     * valid entries; the file is then preallocated to {@code maxIndexBytes} rounded down to whole
     * entries (a longer existing file keeps its length).
     */
    public OffsetIndex(final Path file, final long baseOffset, final int maxIndexBytes) throws IOException
    {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    public boolean isFull()
    {
        return entries() >= maxEntries();
    }

    /**
     * Appends an entry. Writer thread only. Allocation free.
     *
     * @throws IllegalStateException    if the index is full.
     * @throws IllegalArgumentException if the offset is not above the last entry's, below the base
     *                                  offset or too far above it, or the position is negative or
     *                                  below the last entry's.
     */
    public void append(final long offset, final int position)
    {
        final ByteBuffer buffer = buffer();
        final int count = writerEntries();
        if (count >= maxEntries())
        {
            throw new IllegalStateException("Attempt to append to a full offset index " + file() +
                " (" + count + " entries of max " + maxEntries() + ")");
        }
        final int relativeOffset = relativeOffsetOf(offset);
        if (position < 0)
        {
            throw new IllegalArgumentException("Attempt to append offset " + offset + " with negative position " +
                position + " to offset index " + file());
        }
        if (count > 0)
        {
            final int lastRelativeOffset = OffsetIndexDescriptor.relativeOffset(buffer, count - 1);
            if (relativeOffset <= lastRelativeOffset)
            {
                throw new IllegalArgumentException("Attempt to append offset " + offset +
                    " no larger than the last offset " + (baseOffset() + lastRelativeOffset) +
                    " to offset index " + file());
            }
            final int lastPosition = OffsetIndexDescriptor.position(buffer, count - 1);
            if (position < lastPosition)
            {
                throw new IllegalArgumentException("Attempt to append position " + position +
                    " below the last position " + lastPosition + " (offset " + offset + ") to offset index " + file());
            }
        }
        OffsetIndexDescriptor.put(buffer, count, relativeOffset, position);
        publishAppend(count + 1);
    }

    /**
     * Floor lookup: the entry with the largest offset {@code <= targetOffset}, packed as
     * {@code ((long) relativeOffset << 32) | (position & 0xFFFFFFFFL)}; 0 (relative offset 0,
     * position 0, i.e. the segment start) if no entry qualifies. Any thread. Allocation free.
     */
    public long lookup(final long targetOffset)
    {
        final ByteBuffer buffer = buffer();
        final int count = entries();
        final int slot = floorSlot(buffer, count, targetOffset - baseOffset());
        return slot < 0 ? 0L : packedAt(buffer, slot);
    }

    /** The physical position of the floor entry of {@code targetOffset}, 0 if none. */
    public int floorPosition(final long targetOffset)
    {
        return position(lookup(targetOffset));
    }

    /** Packed entry {@code n} (0-based), as returned by {@link #lookup}. */
    public long entry(final int n)
    {
        final ByteBuffer buffer = buffer();
        final int count = entries();
        if (n < 0 || n >= count)
        {
            throw entryOutOfBounds(n, count);
        }
        return packedAt(buffer, n);
    }

    public static int relativeOffset(final long packedEntry)
    {
        return (int)(packedEntry >>> 32);
    }

    public static int position(final long packedEntry)
    {
        return (int)packedEntry;
    }

    /**
     * Checks every entry: relative offsets strictly increasing and non-negative, positions
     * non-decreasing, non-negative and inside the log ({@code < logSizeBytes}, or all 0 for an
     * empty log). Reads the whole file: meant for opening a segment, not the hot path.
     */
    public void sanityCheck(final long logSizeBytes) throws CorruptIndexException
    {
        final ByteBuffer buffer = buffer();
        final int count = entries();
        long previousRelativeOffset = -1;
        int previousPosition = 0;
        for (int slot = 0; slot < count; slot++)
        {
            final int relativeOffset = OffsetIndexDescriptor.relativeOffset(buffer, slot);
            final int position = OffsetIndexDescriptor.position(buffer, slot);
            if (relativeOffset <= previousRelativeOffset)
            {
                throw corrupt(slot, "relative offset " + relativeOffset + (slot == 0 ?
                    " is negative" : " is not above the previous " + previousRelativeOffset));
            }
            if (position < previousPosition)
            {
                throw corrupt(slot, "position " + position + (slot == 0 ?
                    " is negative" : " is below the previous " + previousPosition));
            }
            final boolean inLog = logSizeBytes == 0 ? position == 0 : position < logSizeBytes;
            if (!inLog)
            {
                throw corrupt(slot, "position " + position + " is beyond the log size of " + logSizeBytes + " bytes");
            }
            previousRelativeOffset = relativeOffset;
            previousPosition = position;
        }
    }

    @Override
    long keyAt(final ByteBuffer buffer, final int slot)
    {
        return OffsetIndexDescriptor.relativeOffset(buffer, slot);
    }

    @Override
    int relativeOffsetAt(final ByteBuffer buffer, final int slot)
    {
        return OffsetIndexDescriptor.relativeOffset(buffer, slot);
    }

    private static long packedAt(final ByteBuffer buffer, final int slot)
    {
        return ((long)OffsetIndexDescriptor.relativeOffset(buffer, slot) << 32) |
            (OffsetIndexDescriptor.position(buffer, slot) & 0xFFFF_FFFFL);
    }

    private int relativeOffsetOf(final long offset)
    {
        final long relativeOffset = offset - baseOffset();
        if (offset < baseOffset() || relativeOffset > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("Offset " + offset + " is outside the range [" + baseOffset() + ", " +
                (baseOffset() + Integer.MAX_VALUE) + "] of offset index " + file());
        }
        return (int)relativeOffset;
    }

    private CorruptIndexException corrupt(final int slot, final String problem)
    {
        return new CorruptIndexException("Corrupt offset index " + file() + " (base offset " + baseOffset() +
            ", " + entries() + " entries): entry " + slot + " " + problem);
    }
}
