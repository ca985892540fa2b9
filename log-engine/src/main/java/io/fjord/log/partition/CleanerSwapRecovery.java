package io.fjord.log.partition;

import io.fjord.log.TopicPartition;
import io.fjord.log.io.AtomicFiles;
import io.fjord.log.segment.SegmentFiles;

import io.fjord.log.record.RecordBatchDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finishes or undoes what a crashed log cleaner left in a partition directory, before the
 * segments are opened:
 * <ul>
 *   <li>{@code *.cleaned}: a cleaned segment that was still being written. Deleted: the segment
 *       it would have replaced is still there, untouched.</li>
 *   <li>{@code <base>.log.swap}: the cleaner had written and fsynced the whole cleaned segment,
 *       renamed its indexes and then its log file to {@code .swap}. Completed: whatever is left of
 *       the old segment {@code <base>}, and of any later old segment merged into it (a live
 *       segment whose base offset is inside the swap segment's offset range, which its batch
 *       headers give), is deleted and the swap files take the live names.</li>
 *   <li>{@code <base>.index.swap} / {@code .timeindex.swap} without a {@code .log.swap}: a rename
 *       to {@code .swap} that stopped half way, or an index left after the log file already got
 *       its live name. Deleted; an index that is then missing is rebuilt by the segment load.</li>
 * </ul>
 * Not thread-safe: runs while the partition opens, before any reader or writer.
 */
final class CleanerSwapRecovery {
    private static final System.Logger LOG = System.getLogger(CleanerSwapRecovery.class.getName());

    private CleanerSwapRecovery() {
    }

    static void completeInterruptedSwaps(Path dir, TopicPartition topicPartition) throws IOException {
        Set<Long> swappedBases = new TreeSet<>();
        List<Path> swapFiles = new ArrayList<>();
        boolean changed = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.CLEANED_SUFFIX)) {
                    Files.deleteIfExists(file);
                    changed = true;
                } else if (name.endsWith(SegmentFiles.SWAP_SUFFIX)) {
                    swapFiles.add(file);
                    long base = SegmentFiles.baseOffsetOfLogFile(name, SegmentFiles.SWAP_SUFFIX);
                    if (base >= 0) {
                        swappedBases.add(base);
                    }
                }
            }
        }
        for (Path file : swapFiles) {
            String live = file.getFileName().toString();
            live = live.substring(0, live.length() - SegmentFiles.SWAP_SUFFIX.length());
            if (SegmentFiles.baseOffsetOfLogFile(live) < 0 && !swappedBases.contains(baseOfName(live))) {
                Files.deleteIfExists(file); // an index whose log file never reached .swap
                changed = true;
            }
        }
        for (long base : swappedBases) {
            LOG.log(System.Logger.Level.INFO, "{0}: completing the interrupted swap of cleaned segment {1}",
                    topicPartition, SegmentFiles.baseName(base));
            Path[] live = {SegmentFiles.logFile(dir, base), SegmentFiles.indexFile(dir, base),
                    SegmentFiles.timeIndexFile(dir, base)};
            for (Path file : live) {
                Files.deleteIfExists(file);
            }
            long swapEnd = nextOffsetOf(SegmentFiles.withSuffix(live[0], SegmentFiles.SWAP_SUFFIX), base);
            for (long merged : liveBasesIn(dir, base + 1, swapEnd)) {
                LOG.log(System.Logger.Level.INFO, "{0}: deleting segment {1}, merged into cleaned segment {2}",
                        topicPartition, SegmentFiles.baseName(merged), SegmentFiles.baseName(base));
                Files.deleteIfExists(SegmentFiles.logFile(dir, merged));
                Files.deleteIfExists(SegmentFiles.indexFile(dir, merged));
                Files.deleteIfExists(SegmentFiles.timeIndexFile(dir, merged));
            }
            // Indexes first, log last: a crash in between leaves a .log.swap, so the next open
            // repeats exactly this.
            for (int i = live.length - 1; i >= 0; i--) {
                Path swap = SegmentFiles.withSuffix(live[i], SegmentFiles.SWAP_SUFFIX);
                if (Files.exists(swap)) {
                    Files.move(swap, live[i], StandardCopyOption.ATOMIC_MOVE);
                }
            }
            changed = true;
        }
        if (changed) {
            AtomicFiles.fsyncDirectory(dir);
        }
    }

    /**
     * One past the last offset of the batches in {@code logFile} (a fsynced cleaned segment, so
     * whole batches), from their headers alone; {@code base} when it holds none.
     */
    private static long nextOffsetOf(Path logFile, long base) throws IOException {
        long next = base;
        ByteBuffer header = ByteBuffer.allocate(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET + Integer.BYTES);
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ)) {
            long size = channel.size();
            long position = 0;
            while (position + header.capacity() <= size) {
                header.clear();
                while (header.hasRemaining()) {
                    if (channel.read(header, position + header.position()) < 0) {
                        throw new IOException(logFile + " ends inside a batch header at " + position);
                    }
                }
                long baseOffset = header.getLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET);
                int batchLength = header.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
                int lastOffsetDelta = header.getInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
                if (batchLength < RecordBatchDescriptor.MIN_BATCH_LENGTH) {
                    throw new IOException(logFile + ": batch at " + position + " declares length " + batchLength);
                }
                next = Math.max(next, baseOffset + lastOffsetDelta + 1);
                position += RecordBatchDescriptor.LOG_OVERHEAD + batchLength;
            }
        }
        return next;
    }

    /** Base offsets of the live segment log files in {@code dir} within {@code [from, to)}. */
    private static List<Long> liveBasesIn(Path dir, long from, long to) throws IOException {
        List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                long base = SegmentFiles.baseOffsetOfLogFile(file.getFileName().toString());
                if (base >= from && base < to) {
                    bases.add(base);
                }
            }
        }
        return bases;
    }

    /** The base offset of any segment file name ({@code <20 digits>.<ext>}), or -1. */
    private static long baseOfName(String fileName) {
        int dot = fileName.indexOf('.');
        return dot < 0 ? -1 : SegmentFiles.baseOffsetOfLogFile(fileName.substring(0, dot) + SegmentFiles.LOG_SUFFIX);
    }
}
