package io.fjord.log.segment;

import java.nio.file.Path;

/**
 * Segment file naming, Kafka's: the base offset as 20 zero-padded digits, then a suffix.
 * <pre>
 *   00000000000000000000.log        record batches, exactly as on the wire
 *   00000000000000000000.index      offset index  (8-byte entries)
 *   00000000000000000000.timeindex  time index    (12-byte entries)
 *   *.deleted                       renamed on deletion, removed after file.delete.delay.ms
 *   *.cleaned                       a segment the log cleaner is still writing: deleted on open
 *   *.swap                          a cleaned segment, complete and fsynced, about to replace the
 *                                   segment of the same base offset: the replacement is finished on open
 * </pre>
 * The cleaner renames a segment's index files to {@code .swap} before its log file, so a
 * {@code .log.swap} proves every file of the cleaned segment was complete.
 */
public final class SegmentFiles {
    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String DELETED_SUFFIX = ".deleted";
    public static final String CLEANED_SUFFIX = ".cleaned";
    public static final String SWAP_SUFFIX = ".swap";
    private static final int BASE_OFFSET_DIGITS = 20;

    private SegmentFiles() {
    }

    public static String baseName(long baseOffset) {
        String digits = Long.toString(baseOffset);
        return "0".repeat(BASE_OFFSET_DIGITS - digits.length()) + digits;
    }

    public static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + LOG_SUFFIX);
    }

    public static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + INDEX_SUFFIX);
    }

    public static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + TIME_INDEX_SUFFIX);
    }

    /** A segment file with an extra suffix ({@code ""} for the live name), e.g. {@code 0...0.log.swap}. */
    public static Path withSuffix(Path file, String suffix) {
        return suffix.isEmpty() ? file : file.resolveSibling(file.getFileName() + suffix);
    }

    /**
     * The base offset of a file named {@code <base>.log<suffix>} (e.g. {@code .log.swap}), or -1
     * if {@code fileName} is not one.
     */
    public static long baseOffsetOfLogFile(String fileName, String suffix) {
        if (!fileName.endsWith(LOG_SUFFIX + suffix)) {
            return -1;
        }
        return baseOffsetOfLogFile(fileName.substring(0, fileName.length() - suffix.length()));
    }

    /** The base offset of a {@code .log} file name, or -1 if the name is not a segment's. */
    public static long baseOffsetOfLogFile(String fileName) {
        if (!fileName.endsWith(LOG_SUFFIX) || fileName.length() != BASE_OFFSET_DIGITS + LOG_SUFFIX.length()) {
            return -1;
        }
        for (int i = 0; i < BASE_OFFSET_DIGITS; i++) {
            if (!Character.isDigit(fileName.charAt(i))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(fileName.substring(0, BASE_OFFSET_DIGITS));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
