package io.fjord.log.cleaner;

/**
 * Points inside a cleaning pass where a crash test may stop the cleaner (block, or halt the JVM)
 * to prove that every on-disk state in between is recovered. Production never installs one.
 *
 * <p>Called on the cleaner thread; implementations must be thread-safe.
 */
@FunctionalInterface
public interface CleanerHook {
    /** Where in the swap of one cleaned segment the pass is. */
    enum Point {
        /** {@code <base>.log.cleaned} and its indexes are written and fsynced. */
        CLEANED_WRITTEN,
        /** The cleaned files are renamed to {@code .swap}: the swap must now complete. */
        SWAP_FILES_CREATED,
        /** The old segment's files are renamed to {@code .deleted}; the swap files not yet live. */
        OLD_SEGMENT_RENAMED,
        /** The cleaned segment is live and in the log. */
        SEGMENT_SWAPPED
    }

    CleanerHook NONE = (point, baseOffset) -> { };

    void reached(Point point, long baseOffset);
}
