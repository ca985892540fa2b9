package io.fjord.log.partition;

import io.fjord.log.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The offset below which the log cleaner may have rewritten segments of one partition, in the file
 * {@value #FILE_NAME} of its directory (one decimal line). Recovery needs it: batches of a segment
 * the cleaner never rewrote follow each other without a gap, which catches a damaged base offset
 * (outside the CRC); a cleaned segment legitimately has gaps. The cleaner only rewrites segments
 * below the active one, so before a pass writes anything it raises the bound to the active
 * segment's base offset, durably: every segment at or above the bound was never cleaned, by any
 * version, including passes a crash interrupted.
 *
 * <p>Absent in directories from versions that did not write it (and from Kafka); the partition
 * then decides from what it knows (see {@link PartitionLog#open}). A file that cannot be read counts
 * as absent.
 */
final class CleanedOffsetBound {
    static final String FILE_NAME = "fjord-cleaned-below";
    /** No file, or an unreadable one. */
    static final long UNKNOWN = -1;
    private static final System.Logger LOG = System.getLogger(CleanedOffsetBound.class.getName());

    private CleanedOffsetBound() {
    }

    static long read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            long value = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
            return value < 0 ? UNKNOWN : value;
        } catch (NoSuchFileException e) {
            return UNKNOWN;
        } catch (IOException | NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring unreadable {0}: {1}", file, e.toString());
            return UNKNOWN;
        }
    }

    static void write(Path dir, long offset) throws IOException {
        AtomicFiles.write(dir.resolve(FILE_NAME), offset + "\n");
    }
}
