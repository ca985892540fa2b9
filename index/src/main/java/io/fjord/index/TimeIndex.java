package io.fjord.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamps to offsets in a log segment, in Kafka's
 * {@code <20-digit base offset>.timeindex} format: a memory-mapped, preallocated file of 12-byte
 * big-endian entries whose timestamps strictly increase (layout in {@link TimeIndexDescriptor}).
 *
 * <pre>
 *  +-----------------------------+------------------+
 *  |  timestamp (ms)   int64     | relative offset  |   entry 0  (bytes 0..11)
 *  |                             |     int32        |
 *  +-----------------------------+------------------+
 *  |  timestamp (ms)   int64     | relative offset  |   entry 1  (bytes 12..23)
 *  +-----------------------------+------------------+
 *  |                      ...                       |
 * </pre>
 *
 * <p>An entry is added only when a batch carries a larger max timestamp than any before, so a
 * lookup answers "the first offset whose timestamp may be >= T" (ListOffsets by time, time-based
 * retention). Kafka keeps the last slot free ({@link #isFull()} is true one entry early) so the
 * segment can always record its final max timestamp when it rolls; {@link #maybeAppend} may use
 * that slot.
 *
 * <p>Thread safety: one writer thread calls {@link #maybeAppend} and the other mutators; any
 * number of threads may call {@link #lookup}, {@link #timestampAt}, {@link #offsetAt},
 * {@link #entries()}, {@link #lastTimestamp()} and {@link #lastOffset()} concurrently with
 * appends. Details in {@link AbstractIndex}.
 */
public final class TimeIndex extends AbstractIndex
{
    public static final int ENTRY_SIZE = TimeIndexDescriptor.ENTRY_SIZE;

    /** Returned by {@link #lastTimestamp()} for an empty index; Kafka's {@code NO_TIMESTAMP}. */
    public static final long NO_TIMESTAMP = -1L;

    /** Same open rules as {@link OffsetIndex#OffsetIndex(Path, long, int)}, with 12-byte entries. */
    public TimeIndex(final Path file, final long baseOffset, final int maxIndexBytes) throws IOException
    {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    /** True once only the reserved last slot is left (Kafka's rule: entries >= maxEntries - 1). */
    public boolean isFull()
    {
        return entries() >= maxEntries() - 1;
    }

    /** Timestamp of the last entry, {@link #NO_TIMESTAMP} if empty. */
    public long lastTimestamp()
    {
        final ByteBuffer buffer = buffer();
        final int count = entries();
        return count == 0 ? NO_TIMESTAMP : TimeIndexDescriptor.timestampMs(buffer, count - 1);
    }

    /**
     * Appends {@code (timestampMs, offset)} if the index is empty or {@code timestampMs} is
     * larger than the last timestamp; otherwise does nothing. Writer thread only. Allocation free.
     *
     * @throws IllegalArgumentException if the offset is below the last entry's offset (the base
     *                                  offset when empty) or too far above the base offset.
     * @throws IllegalStateException    if an entry is due but every slot, including the reserved
     *                                  one, is used.
     */
    public void maybeAppend(final long timestampMs, final long offset)
    {
        final ByteBuffer buffer = buffer();
        final int count = writerEntries();
        final long relativeOffset = offset - baseOffset();
        if (offset < baseOffset() || relativeOffset > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("Offset " + offset + " is outside the range [" + baseOffset() + ", " +
                (baseOffset() + Integer.MAX_VALUE) + "] of time index " + file());
        }
        if (count > 0)
        {
            final int lastRelativeOffset = TimeIndexDescriptor.relativeOffset(buffer, count - 1);
            if (relativeOffset < lastRelativeOffset)
            {
                throw new IllegalArgumentException("Attempt to append offset " + offset + " (timestamp " + timestampMs +
                    ") below the last offset " + (baseOffset() + lastRelativeOffset) + " to time index " + file());
            }
            if (timestampMs <= TimeIndexDescriptor.timestampMs(buffer, count - 1))
            {
                return;
            }
        }
        if (count >= maxEntries())
        {
            throw new IllegalStateException("Attempt to append to a full time index " + file() +
                " (" + count + " entries of max " + maxEntries() + ")");
        }
        TimeIndexDescriptor.put(buffer, count, timestampMs, (int)relativeOffset);
        publishAppend(count + 1);
    }

    /**
     * Absolute offset of the entry with the largest timestamp {@code <= targetTimestampMs}; the
     * base offset if none qualifies. Any thread. Allocation free.
     */
    public long lookup(final long targetTimestampMs)
    {
        final ByteBuffer buffer = buffer();
        final int count = entries();
        final int slot = floorSlot(buffer, count, targetTimestampMs);
        return slot < 0 ? baseOffset() : baseOffset() + TimeIndexDescriptor.relativeOffset(buffer, slot);
    }

    /** Timestamp of entry {@code n} (0-based). */
    public long timestampAt(final int n)
    {
        final ByteBuffer buffer = buffer();
        checkEntry(n);
        return TimeIndexDescriptor.timestampMs(buffer, n);
    }

    /** Absolute offset of entry {@code n} (0-based). */
    public long offsetAt(final int n)
    {
        final ByteBuffer buffer = buffer();
        checkEntry(n);
        return baseOffset() + TimeIndexDescriptor.relativeOffset(buffer, n);
    }

    /**
     * Checks every entry: timestamps strictly increasing, relative offsets non-decreasing and
     * non-negative. Reads the whole file: meant for opening a segment, not the hot path.
     */
    public void sanityCheck() throws CorruptIndexException
    {
        final ByteBuffer buffer = buffer();
        final int count = entries();
        int previousRelativeOffset = 0;
        for (int slot = 0; slot < count; slot++)
        {
            final long timestampMs = TimeIndexDescriptor.timestampMs(buffer, slot);
            final int relativeOffset = TimeIndexDescriptor.relativeOffset(buffer, slot);
            if (slot > 0)
            {
                final long previousTimestampMs = TimeIndexDescriptor.timestampMs(buffer, slot - 1);
                if (timestampMs <= previousTimestampMs)
                {
                    throw corrupt(slot, "timestamp " + timestampMs + " is not above the previous " + previousTimestampMs);
                }
            }
            if (relativeOffset < previousRelativeOffset)
            {
                throw corrupt(slot, "relative offset " + relativeOffset + (slot == 0 ?
                    " is negative" : " is below the previous " + previousRelativeOffset));
            }
            previousRelativeOffset = relativeOffset;
        }
    }

    @Override
    long keyAt(final ByteBuffer buffer, final int slot)
    {
        return TimeIndexDescriptor.timestampMs(buffer, slot);
    }

    @Override
    int relativeOffsetAt(final ByteBuffer buffer, final int slot)
    {
        return TimeIndexDescriptor.relativeOffset(buffer, slot);
    }

    private void checkEntry(final int n)
    {
        final int count = entries();
        if (n < 0 || n >= count)
        {
            throw entryOutOfBounds(n, count);
        }
    }

    private CorruptIndexException corrupt(final int slot, final String problem)
    {
        return new CorruptIndexException("Corrupt time index " + file() + " (base offset " + baseOffset() +
            ", " + entries() + " entries): entry " + slot + " " + problem);
    }
}
