package io.fjord.index;

import java.nio.ByteBuffer;

/**
 * Layout of one offset-index entry ({@code <base offset>.index}), Kafka's format, big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Relative Offset (int32, offset - segment base offset)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Physical Position (int32, byte position in the .log)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Entries are packed back to back from byte 0 with no file header; entry {@code n} starts at
 * byte {@code n * ENTRY_SIZE}. Stateless: safe for any thread.
 */
public final class OffsetIndexDescriptor
{
    public static final int RELATIVE_OFFSET_OFFSET = 0;
    public static final int POSITION_OFFSET = RELATIVE_OFFSET_OFFSET + Integer.BYTES;
    public static final int ENTRY_SIZE = POSITION_OFFSET + Integer.BYTES;

    private OffsetIndexDescriptor()
    {
    }

    static int relativeOffset(final ByteBuffer buffer, final int slot)
    {
        return buffer.getInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    static int position(final ByteBuffer buffer, final int slot)
    {
        return buffer.getInt(slot * ENTRY_SIZE + POSITION_OFFSET);
    }

    static void put(final ByteBuffer buffer, final int slot, final int relativeOffset, final int position)
    {
        buffer.putInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET, relativeOffset);
        buffer.putInt(slot * ENTRY_SIZE + POSITION_OFFSET, position);
    }
}
