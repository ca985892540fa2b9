package io.fjord.index;

import java.nio.ByteBuffer;

/**
 * Layout of one time-index entry ({@code <base offset>.timeindex}), Kafka's format, big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +           Timestamp (int64, ms since the epoch)               +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Relative Offset (int32, offset - segment base offset)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Entries are packed back to back from byte 0 with no file header; entry {@code n} starts at
 * byte {@code n * ENTRY_SIZE}. Stateless: safe for any thread.
 */
public final class TimeIndexDescriptor
{
    public static final int TIMESTAMP_OFFSET = 0;
    public static final int RELATIVE_OFFSET_OFFSET = TIMESTAMP_OFFSET + Long.BYTES;
    public static final int ENTRY_SIZE = RELATIVE_OFFSET_OFFSET + Integer.BYTES;

    private TimeIndexDescriptor()
    {
    }

    static long timestampMs(final ByteBuffer buffer, final int slot)
    {
        return buffer.getLong(slot * ENTRY_SIZE + TIMESTAMP_OFFSET);
    }

    static int relativeOffset(final ByteBuffer buffer, final int slot)
    {
        return buffer.getInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    static void put(final ByteBuffer buffer, final int slot, final long timestampMs, final int relativeOffset)
    {
        buffer.putLong(slot * ENTRY_SIZE + TIMESTAMP_OFFSET, timestampMs);
        buffer.putInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET, relativeOffset);
    }
}
