package io.fjord.index;

/**
 * Kafka's segment file names: the base offset as 20 zero-padded decimal digits plus a suffix,
 * e.g. {@code 00000000000000000042.index}. Twenty digits hold any non-negative long, so names
 * sort lexically in offset order. Stateless: safe for any thread.
 */
public final class IndexFileNames
{
    public static final String OFFSET_INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";

    private IndexFileNames()
    {
    }

    public static String offsetIndexFileName(final long baseOffset)
    {
        return paddedBaseOffset(baseOffset) + OFFSET_INDEX_SUFFIX;
    }

    public static String timeIndexFileName(final long baseOffset)
    {
        return paddedBaseOffset(baseOffset) + TIME_INDEX_SUFFIX;
    }

    static String paddedBaseOffset(final long baseOffset)
    {
        if (baseOffset < 0)
        {
            throw new IllegalArgumentException("base offset must be >= 0: " + baseOffset);
        }
        return String.format("%020d", baseOffset);
    }
}
