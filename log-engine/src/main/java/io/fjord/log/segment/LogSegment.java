package io.fjord.log.segment;

import io.fjord.index.CorruptIndexException;
import io.fjord.index.OffsetIndex;
import io.fjord.index.TimeIndex;
import io.fjord.log.FileRegion;
import io.fjord.log.io.CachedFileChannel;
import io.fjord.log.io.CachingFileIo;
import io.fjord.log.io.FileIo;
import io.fjord.log.record.BatchValidation;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordCursor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a partition log: a {@code .log} file of v2 record batches plus its sparse offset
 * and time indexes (see {@link SegmentFiles} for the names).
 *
 * <p>Every {@code index.interval.bytes} of appended batches, the batch being appended gets an
 * offset-index entry (its last offset, its position) and the time index gets the largest
 * timestamp seen so far with that record's batch's last offset, as Kafka does, so Kafka's tools
 * read these files.
 *
 * <p>Thread safety: one writer thread calls {@link #append}; any thread may {@link #read} and
 * look up concurrently. The writer publishes {@link #sizeBytes()} with a volatile store after the
 * bytes and index entries are written, and readers never look past it, so they only ever see
 * whole batches. Opening, recovery, close and delete happen while no reader or writer runs.
 */
public final class LogSegment implements Closeable {
    private static final System.Logger LOG = System.getLogger(LogSegment.class.getName());

    private final long baseOffset;
    private final int indexIntervalBytes;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    /** The claim on index mappings in the engine's bounded cache; null when mappings are unbounded. */
    private final IndexMappings mappings;
    private final RecordBatch batch = new RecordBatch();
    private Path logFile;

    /** Published end of the file: whole batches only. */
    private volatile int sizeBytes;
    /** Largest batch max timestamp; read by retention on another thread. */
    private volatile long maxTimestampSoFar = RecordBatchDescriptor.NO_TIMESTAMP;
    /** Offset after the last batch: published for the partition's readers of older segments. */
    private volatile long nextOffset;

    // Writer-owned.
    /** End of written but not yet published batches, or -1. */
    private int pendingEnd = -1;
    private long offsetOfMaxTimestampSoFar;
    private int bytesSinceLastIndexEntry;

    private final long createdMs;
    /** False when an index file had to be created for an existing log: it must be rebuilt. */
    private final boolean indexFilesExisted;
    /**
     * Why an existing index file could not even be opened (e.g. a length that is not a multiple of
     * the entry size), or null. Such a file was discarded and created empty; indexes are derived
     * data, so the segment's indexes are then rebuilt from the log instead of refusing to start.
     */
    private String discardedIndexReason;

    private LogSegment(Path dir, long baseOffset, int indexIntervalBytes, int maxIndexBytes, FileIo io,
                       long createdMs) throws IOException {
        this(dir, baseOffset, "", indexIntervalBytes, maxIndexBytes, io, createdMs);
    }

    private LogSegment(Path dir, long baseOffset, String suffix, int indexIntervalBytes, int maxIndexBytes,
                       FileIo io, long createdMs) throws IOException {
        this.baseOffset = baseOffset;
        this.createdMs = createdMs;
        this.indexIntervalBytes = indexIntervalBytes;
        this.logFile = SegmentFiles.withSuffix(SegmentFiles.logFile(dir, baseOffset), suffix);
        this.nextOffset = baseOffset;
        this.offsetOfMaxTimestampSoFar = baseOffset;
        Path indexPath = SegmentFiles.withSuffix(SegmentFiles.indexFile(dir, baseOffset), suffix);
        Path timeIndexPath = SegmentFiles.withSuffix(SegmentFiles.timeIndexFile(dir, baseOffset), suffix);
        boolean existed = Files.exists(indexPath) && Files.exists(timeIndexPath);
        FileChannel opened = io.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        OffsetIndex offsets = null;
        TimeIndex times = null;
        long sizeOnDisk;
        try {
            try {
                offsets = new OffsetIndex(indexPath, baseOffset, maxIndexBytes);
            } catch (CorruptIndexException e) {
                offsets = new OffsetIndex(discardIndexFile(indexPath, e), baseOffset, maxIndexBytes);
            }
            try {
                times = new TimeIndex(timeIndexPath, baseOffset, maxIndexBytes);
            } catch (CorruptIndexException e) {
                times = new TimeIndex(discardIndexFile(timeIndexPath, e), baseOffset, maxIndexBytes);
            }
            // Inside the try: an interrupted thread fails here too, and nothing opened may outlive it.
            sizeOnDisk = opened.size();
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(times, e);
            closeAfterFailure(offsets, e);
            closeAfterFailure(opened, e);
            throw e;
        }
        this.timeIndex = times;
        this.channel = opened;
        this.offsetIndex = offsets;
        this.mappings = io instanceof CachingFileIo caching && caching.indexMappings() != null
                ? new IndexMappings(caching.indexMappings(), offsets, timeIndex) : null;
        this.indexFilesExisted = existed && discardedIndexReason == null;
        this.sizeBytes = (int) Math.min(Integer.MAX_VALUE, sizeOnDisk);
    }

    private static void closeAfterFailure(java.io.Closeable opened, Exception failure) {
        if (opened == null) {
            return;
        }
        try {
            opened.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Deletes an index file that cannot be opened, remembering why; returns its path for a fresh one. */
    private Path discardIndexFile(Path file, CorruptIndexException cause) throws IOException {
        Files.deleteIfExists(file);
        discardedIndexReason = discardedIndexReason == null ? cause.getMessage()
                : discardedIndexReason + "; " + cause.getMessage();
        return file;
    }

    /**
     * Why an index file of this segment was unusable and was replaced by an empty one when the
     * segment was opened (null if none was): its indexes must be rebuilt, which {@link #loadClean}
     * demands by throwing and {@link #recover} does anyway. The caller logs and counts it.
     */
    public String discardedIndexReason() {
        return discardedIndexReason;
    }

    /** Creates a new, empty segment (files are created; an existing stale file is truncated). */
    public static LogSegment create(Path dir, long baseOffset, int indexIntervalBytes, int maxIndexBytes, FileIo io,
                                    long nowMs) throws IOException {
        Files.deleteIfExists(SegmentFiles.indexFile(dir, baseOffset));
        Files.deleteIfExists(SegmentFiles.timeIndexFile(dir, baseOffset));
        LogSegment segment = new LogSegment(dir, baseOffset, indexIntervalBytes, maxIndexBytes, io, nowMs);
        if (segment.channel.size() > 0) {
            segment.channel.truncate(0);
            segment.sizeBytes = 0;
        }
        return segment;
    }

    /**
     * Creates a new, empty segment whose three files carry {@code suffix} (e.g. the cleaner's
     * {@code .cleaned}); stale files of that name are replaced. {@link #renameSuffix} later gives
     * them their live names.
     */
    public static LogSegment createWithSuffix(Path dir, long baseOffset, String suffix, int indexIntervalBytes,
                                              int maxIndexBytes, FileIo io, long nowMs) throws IOException {
        Files.deleteIfExists(SegmentFiles.withSuffix(SegmentFiles.logFile(dir, baseOffset), suffix));
        Files.deleteIfExists(SegmentFiles.withSuffix(SegmentFiles.indexFile(dir, baseOffset), suffix));
        Files.deleteIfExists(SegmentFiles.withSuffix(SegmentFiles.timeIndexFile(dir, baseOffset), suffix));
        return new LogSegment(dir, baseOffset, suffix, indexIntervalBytes, maxIndexBytes, io, nowMs);
    }

    /**
     * Renames the three files from suffix {@code from} to suffix {@code to} ({@code ""} is the
     * live name). {@code logLast}: the index files go first, so a log file under the new name
     * proves the indexes were renamed too (the cleaner's {@code .swap} rule); otherwise the log
     * file goes first. Readers holding the channel or the mappings keep working.
     */
    public void renameSuffix(String from, String to, boolean logLast) throws IOException {
        if (!logLast) {
            renameLogFile(from, to);
        }
        offsetIndex.renameTo(renamed(offsetIndex.file(), from, to));
        timeIndex.renameTo(renamed(timeIndex.file(), from, to));
        if (logLast) {
            renameLogFile(from, to);
        }
    }

    private void renameLogFile(String from, String to) throws IOException {
        Path target = renamed(logFile, from, to);
        CachedFileChannel.move(channel, logFile, target);
        logFile = target;
    }

    private static Path renamed(Path file, String from, String to) {
        String name = file.getFileName().toString();
        if (!name.endsWith(from)) {
            throw new IllegalStateException(file + " does not end with '" + from + "'");
        }
        return file.resolveSibling(name.substring(0, name.length() - from.length()) + to);
    }

    /**
     * Opens an existing segment. The caller then either {@link #loadClean() trusts its indexes}
     * (after a clean shutdown) or {@link #recover(int) rescans it}.
     */
    public static LogSegment open(Path dir, long baseOffset, int indexIntervalBytes, int maxIndexBytes, FileIo io,
                                  long nowMs) throws IOException {
        return new LogSegment(dir, baseOffset, indexIntervalBytes, maxIndexBytes, io, nowMs);
    }

    public long baseOffset() {
        return baseOffset;
    }

    public int sizeBytes() {
        return sizeBytes;
    }

    public long nextOffset() {
        return nextOffset;
    }

    public boolean isEmpty() {
        return sizeBytes == 0;
    }

    public Path logFile() {
        return logFile;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /**
     * Unmaps both indexes; the next lookup maps them again (lazily, at their exact length when
     * sealed). Only while no reader or writer uses the segment, e.g. while the log loads.
     */
    public void releaseIndexMappings() throws IOException {
        offsetIndex.unmap();
        timeIndex.unmap();
    }

    /** Whether the indexes have room for another entry (Kafka rolls when either is full). */
    public boolean indexesFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    /**
     * When this segment was created or opened: what {@code segment.ms} counts from. Kafka counts
     * from the first batch's timestamp instead, but that comes from clients: a replay of old data
     * would then roll a new segment on every append. Wall-clock time cannot be skewed that way.
     */
    public long createdMs() {
        return createdMs;
    }

    /** Largest record timestamp in the segment, or the file's modification time if there is none. */
    public long largestTimestampMs() throws IOException {
        long max = maxTimestampSoFar;
        return max > 0 ? max : Files.getLastModifiedTime(logFile).toMillis();
    }

    /** When the log file was last written. */
    public long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(logFile).toMillis();
    }

    /** Whether a batch whose last offset is {@code lastOffset} fits the 32-bit relative offsets. */
    public boolean canHoldOffset(long lastOffset) {
        long relative = lastOffset - baseOffset;
        return relative >= 0 && relative <= Integer.MAX_VALUE;
    }

    /**
     * Appends validated batches whose offsets are already assigned. On an I/O error the file is cut
     * back to its previous end, so a full disk never leaves a partial batch behind; if even that
     * fails, the {@link SegmentRollbackException} tells the partition to go offline.
     */
    public void append(ByteBuffer records) throws IOException {
        write(records);
        publish();
    }

    /**
     * Writes and indexes batches like {@link #append} but leaves them invisible to readers until
     * {@link #publish()}. The partition publishes its log end offset first and the segment size
     * second: a reader that sees a batch then always finds the end offset past it, so a consumer
     * never fetches beyond the end it can see (which Kafka answers with OFFSET_OUT_OF_RANGE and a
     * reset) even when the writer is descheduled between the two stores.
     */
    public void write(ByteBuffer records) throws IOException {
        pinIndexes();
        try {
            writePinned(records);
        } finally {
            unpinIndexes();
        }
    }

    private void writePinned(ByteBuffer records) throws IOException {
        int startPosition = writeEnd();
        int start = records.position();
        int length = records.remaining();
        // Before any log byte moves, so a full disk fails the append here.
        prepareIndexesFor(length);
        try {
            int written = 0;
            while (written < length) {
                written += channel.write(records, startPosition + written);
            }
        } catch (IOException e) {
            rollbackTo(startPosition, e);
            throw e;
        } finally {
            records.position(start);
        }
        int position = startPosition;
        for (int offset = start; offset < start + length; ) {
            batch.wrap(records, offset);
            int size = batch.sizeInBytes();
            indexBatch(position, size, batch.lastOffset(), batch.maxTimestamp());
            offset += size;
            position += size;
        }
        pendingEnd = startPosition + length;
    }

    /**
     * Makes the index pages that {@code lengthBytes} of batches may need resident before the
     * writer stores entries there (no read-around faults into the preallocated hole). They add at
     * most one entry per batch (a batch is at least a header long), and after the first at most
     * one per {@code index.interval.bytes}.
     */
    private void prepareIndexesFor(int lengthBytes) throws IOException {
        int maxNewEntries = 1 + Math.min(lengthBytes / RecordBatchDescriptor.HEADER_SIZE,
                lengthBytes / Math.max(1, indexIntervalBytes));
        offsetIndex.prepareAppends(maxNewEntries);
        timeIndex.prepareAppends(maxNewEntries);
    }

    /** Makes everything {@link #write written} so far visible to readers (a volatile store). */
    public void publish() {
        if (pendingEnd >= 0) {
            sizeBytes = pendingEnd;
            pendingEnd = -1;
        }
    }

    private int writeEnd() {
        return pendingEnd >= 0 ? pendingEnd : sizeBytes;
    }

    private void rollbackTo(int position, IOException cause) throws SegmentRollbackException {
        try {
            channel.truncate(position);
        } catch (IOException | RuntimeException rollbackFailure) {
            SegmentRollbackException failure = new SegmentRollbackException(
                    "Could not cut " + logFile + " back to " + position + " after a failed append", cause);
            failure.addSuppressed(rollbackFailure);
            throw failure;
        }
    }

    private void indexBatch(int position, int size, long lastOffset, long maxTimestamp) {
        if (maxTimestamp > maxTimestampSoFar) {
            maxTimestampSoFar = maxTimestamp;
            offsetOfMaxTimestampSoFar = lastOffset;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(lastOffset, position);
            if (maxTimestampSoFar != RecordBatchDescriptor.NO_TIMESTAMP) {
                timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += size;
        nextOffset = lastOffset + 1;
    }

    /**
     * The region from the batch holding {@code startOffset} on, at most {@code maxBytes} long but
     * always holding that whole first batch (KIP-74); null when no published batch holds it.
     */
    public FileRegion read(long startOffset, int maxBytes) throws IOException {
        pinIndexes();
        try {
            return readPinned(startOffset, maxBytes);
        } finally {
            unpinIndexes();
        }
    }

    private FileRegion readPinned(long startOffset, int maxBytes) throws IOException {
        int end = sizeBytes;
        BatchHeaderScanner scanner = BatchHeaderScanner.forThisThread().begin(channel, end);
        RecordBatch header = scanner.seek(floorPosition(startOffset), startOffset);
        if (header == null) {
            return null;
        }
        long position = scanner.position();
        int length = (int) Math.min(end - position, Math.max(maxBytes, header.sizeInBytes()));
        return new FileRegion(channel, position, length);
    }

    /**
     * The first offset at or after {@code startingOffset} whose record timestamp is at least
     * {@code timestampMs}, or -1 if there is none here. Starts from the time index (Kafka's
     * algorithm); inside a compressed batch, answers the batch's first offset.
     */
    public long findOffsetByTimestamp(long timestampMs, long startingOffset) throws IOException {
        pinIndexes();
        try {
            return findOffsetByTimestampPinned(timestampMs, startingOffset);
        } finally {
            unpinIndexes();
        }
    }

    private long findOffsetByTimestampPinned(long timestampMs, long startingOffset) throws IOException {
        int end = sizeBytes;
        long indexed;
        long position;
        try {
            indexed = Math.max(timeIndex.lookup(timestampMs), startingOffset);
            position = offsetIndex.floorPosition(indexed);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // the lazy mapping failed
        }
        BatchHeaderScanner scanner = BatchHeaderScanner.forThisThread().begin(channel, end);
        RecordBatch header;
        while ((header = scanner.headerAt(position)) != null) {
            if (header.maxTimestamp() >= timestampMs && header.lastOffset() >= startingOffset) {
                return firstOffsetAtOrAfter(position, header.sizeInBytes(), timestampMs, startingOffset);
            }
            position += header.sizeInBytes();
        }
        return -1;
    }

    private long firstOffsetAtOrAfter(long position, int size, long timestampMs, long startingOffset)
            throws IOException {
        ByteBuffer whole = ByteBuffer.allocate(size);
        readFully(whole, position);
        RecordBatch found = new RecordBatch().wrap(whole, 0);
        if (found.compressionId() != 0) {
            return Math.max(found.baseOffset(), startingOffset);
        }
        RecordCursor cursor = new RecordCursor().reset(found);
        while (cursor.next()) {
            if (cursor.timestamp() >= timestampMs && cursor.offset() >= startingOffset) {
                return cursor.offset();
            }
        }
        return -1;
    }

    /** The offset index's floor position; a failure of its lazy mapping surfaces as an IOException. */
    private int floorPosition(long offset) throws IOException {
        try {
            return offsetIndex.floorPosition(offset);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Pins the index mappings for one use (see {@link IndexMappings}); always paired with {@link #unpinIndexes}. */
    private void pinIndexes() throws IOException {
        if (mappings != null) {
            mappings.pin();
        }
    }

    private void unpinIndexes() {
        if (mappings != null) {
            mappings.unpin();
        }
    }

    /** Receives batch headers from {@link #forEachBatchHeader}. */
    @FunctionalInterface
    public interface BatchHeaderVisitor {
        void visit(RecordBatch header);
    }

    /** Walks every published batch header, oldest first (e.g. to rebuild producer state). */
    public void forEachBatchHeader(BatchHeaderVisitor visitor) throws IOException {
        int end = sizeBytes;
        BatchHeaderScanner scanner = BatchHeaderScanner.forThisThread().begin(channel, end);
        long position = 0;
        RecordBatch header;
        while ((header = scanner.headerAt(position)) != null) {
            int size = header.sizeInBytes();
            visitor.visit(header);
            position += size;
        }
    }

    /**
     * Trusts the indexes (clean shutdown): checks them for sanity, then walks the batch headers
     * after the last index entry to find the end offset and the largest timestamp.
     *
     * @throws CorruptIndexException when an index is garbage or the tail does not chain to the end;
     *                               the caller then {@link #recover rebuilds}
     */
    public void loadClean() throws IOException {
        pinIndexes();
        try {
            loadCleanPinned();
        } finally {
            unpinIndexes();
        }
    }

    private void loadCleanPinned() throws IOException {
        int end = sizeBytes;
        if (discardedIndexReason != null) {
            throw new CorruptIndexException(discardedIndexReason);
        }
        if (!indexFilesExisted && end > 0) {
            throw new CorruptIndexException("Index files of " + logFile + " are missing");
        }
        offsetIndex.sanityCheck(end);
        timeIndex.sanityCheck();
        BatchHeaderScanner scanner = BatchHeaderScanner.forThisThread().begin(channel, end);
        long position = 0;
        if (offsetIndex.entries() > 0) {
            long last = offsetIndex.entry(offsetIndex.entries() - 1);
            long entryOffset = baseOffset + OffsetIndex.relativeOffset(last);
            position = OffsetIndex.position(last);
            RecordBatch header = scanner.headerAt(position);
            if (header == null || header.baseOffset() > entryOffset || header.lastOffset() < entryOffset) {
                throw new CorruptIndexException("Last entry of " + offsetIndex.file() + " (offset " + entryOffset
                        + ", position " + position + ") does not point at its batch");
            }
        }
        if (timeIndex.entries() > 0) {
            // Every time index entry names the last offset of the batch that set that max timestamp.
            long entryOffset = timeIndex.lastOffset();
            RecordBatch header = scanner.seek(offsetIndex.floorPosition(entryOffset), entryOffset);
            if (header == null || header.lastOffset() != entryOffset
                    || header.maxTimestamp() != timeIndex.lastTimestamp()) {
                throw new CorruptIndexException("Last entry of " + timeIndex.file() + " (timestamp "
                        + timeIndex.lastTimestamp() + ", offset " + entryOffset + ") does not match its batch");
            }
            maxTimestampSoFar = timeIndex.lastTimestamp();
            offsetOfMaxTimestampSoFar = entryOffset;
        }
        RecordBatch header;
        while ((header = scanner.headerAt(position)) != null) {
            int size = header.sizeInBytes();
            if (size < RecordBatchDescriptor.HEADER_SIZE || position + size > end) {
                break;
            }
            if (header.maxTimestamp() > maxTimestampSoFar) {
                maxTimestampSoFar = header.maxTimestamp();
                offsetOfMaxTimestampSoFar = header.lastOffset();
            }
            nextOffset = header.lastOffset() + 1;
            position += size;
        }
        if (position != end) {
            throw new CorruptIndexException("Batches of " + logFile + " end at " + position + ", the file at " + end);
        }
    }

    /**
     * {@link #recover(int, long, boolean)} with only the rules valid for any segment and no later
     * segment known.
     */
    public long recover(int maxBatchBytes) throws IOException {
        return recover(maxBatchBytes, Long.MAX_VALUE, false);
    }

    /**
     * Rescans the whole segment: validates every batch (length, magic, record count, CRC-32C,
     * offsets), rebuilds both indexes, and cuts the file at the first invalid byte. Returns the
     * number of bytes cut off.
     *
     * <p>The base offset is outside the CRC, so a damaged one passes it; the offsets catch it. On
     * any log, batch offsets strictly increase from the segment's base and stay below
     * {@code nextSegmentBase} (segments split the offset space). On a segment no cleaner ever
     * rewrote ({@code contiguous}) they also leave no gap: each batch starts exactly where the
     * previous one ended, the first at the segment's base, since appends assign offsets that way
     * and a segment is rolled at the offset of the batch that opens it. Only the cleaner removes
     * batches (and with them offsets) from the middle of a segment.
     */
    public long recover(int maxBatchBytes, long nextSegmentBase, boolean contiguous) throws IOException {
        pinIndexes();
        try {
            return recoverPinned(maxBatchBytes, nextSegmentBase, contiguous);
        } finally {
            unpinIndexes();
        }
    }

    private long recoverPinned(int maxBatchBytes, long nextSegmentBase, boolean contiguous) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestampSoFar = RecordBatchDescriptor.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = baseOffset;
        bytesSinceLastIndexEntry = 0;
        nextOffset = baseOffset;

        long fileSize = channel.size();
        prepareIndexesFor((int) Math.min(fileSize, Integer.MAX_VALUE));
        // Sized to the file when smaller: recovering 10,000 small active segments must not make
        // 10,000 buffers of 64 KiB of garbage (that grew the heap to a GB on restart).
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(RecordBatchDescriptor.LOG_OVERHEAD,
                Math.min(64 * 1024, fileSize)));
        long position = 0;
        String stopReason = null;
        while (position < fileSize) {
            long available = fileSize - position;
            if (available < RecordBatchDescriptor.LOG_OVERHEAD) {
                stopReason = "torn batch header";
                break;
            }
            buffer.clear().limit(RecordBatchDescriptor.LOG_OVERHEAD);
            readFully(buffer, position);
            long size = RecordBatchDescriptor.LOG_OVERHEAD + (long) buffer.getInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
            if (size < RecordBatchDescriptor.HEADER_SIZE || size > Math.min(available, maxBatchBytes)) {
                stopReason = size > available ? "torn batch (declares " + size + " bytes, " + available + " left)"
                        : "invalid batch length " + size;
                break;
            }
            if (buffer.capacity() < size) {
                buffer = ByteBuffer.allocate((int) size);
            }
            buffer.clear().limit((int) size);
            readFully(buffer, position);
            batch.wrap(buffer, 0);
            // Stored rule: batches the cleaner compacted keep their offset range with fewer records.
            BatchValidation validation = batch.validateStored((int) size, maxBatchBytes);
            if (!validation.isValid()) {
                stopReason = "batch " + validation;
                break;
            }
            if (batch.baseOffset() < nextOffset || !canHoldOffset(batch.lastOffset())) {
                stopReason = "batch offset " + batch.baseOffset() + " out of order (expected >= " + nextOffset + ")";
                break;
            }
            if (contiguous && batch.baseOffset() != nextOffset) {
                stopReason = "batch offset " + batch.baseOffset() + " leaves a gap after " + (nextOffset - 1)
                        + " in a segment the cleaner never rewrote (expected " + nextOffset + ")";
                break;
            }
            if (batch.lastOffset() >= nextSegmentBase) {
                stopReason = "batch offsets " + batch.baseOffset() + ".." + batch.lastOffset()
                        + " reach the next segment, which starts at " + nextSegmentBase;
                break;
            }
            indexBatch((int) position, (int) size, batch.lastOffset(), batch.maxTimestamp());
            position += size;
        }
        long truncated = fileSize - position;
        if (truncated > 0) {
            LOG.log(System.Logger.Level.WARNING, "Recovery of {0}: {1} at position {2}; truncating {3} bytes",
                    logFile, stopReason, position, truncated);
            channel.truncate(position);
        }
        sizeBytes = (int) position;
        return truncated;
    }

    /**
     * After {@link #recover} of a segment the cleaner never rewrote: whether it ends short of the
     * next segment's base, i.e. its tail was lost (never fsynced) while a later segment's data
     * reached the disk. Such a segment ends the log as a cut does: serving the later segments
     * would leave a hole of offsets in the middle. (A rolled segment always ends exactly where the
     * next begins: a roll happens at the first offset of the batch that opens the new segment.)
     */
    public boolean endsShortOf(long nextSegmentBase) {
        if (nextSegmentBase == Long.MAX_VALUE || nextOffset >= nextSegmentBase) {
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "Recovery of {0}: it ends at offset {1}, the next segment begins at {2}:"
                + " offsets between were lost", logFile, nextOffset, nextSegmentBase);
        return true;
    }

    /**
     * Reads bytes at {@code position} until {@code target} is full, then flips it. Only bytes
     * below {@link #sizeBytes()} are stable; any thread.
     */
    public void readFully(ByteBuffer target, long position) throws IOException {
        int start = target.position();
        while (target.hasRemaining()) {
            int n = channel.read(target, position + target.position() - start);
            if (n < 0) {
                throw new IOException("Unexpected end of " + logFile + " at " + (position + target.position() - start));
            }
        }
        target.flip();
    }

    /**
     * Called when a newer segment takes over: adds the final time index entry (the slot Kafka's
     * {@code TimeIndex.isFull} reserves), trims both index files to their valid entries and
     * writes them out.
     */
    public void onBecomeInactive() throws IOException {
        pinIndexes();
        try {
            onBecomeInactivePinned();
        } finally {
            unpinIndexes();
        }
    }

    private void onBecomeInactivePinned() throws IOException {
        if (maxTimestampSoFar != RecordBatchDescriptor.NO_TIMESTAMP && timeIndex.entries() < timeIndex.maxEntries()) {
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** fsync of the log data (fdatasync). Thread-safe. */
    public void flush() throws IOException {
        channel.force(false);
    }

    /** fsync of the log data and the indexes, for a segment about to be trusted after restart. */
    public void flushAll() throws IOException {
        pinIndexes();
        try {
            flushAllPinned();
        } finally {
            unpinIndexes();
        }
    }

    private void flushAllPinned() throws IOException {
        channel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Renames the files to {@code *.deleted}; readers holding the channel keep working. */
    public void markDeleted() throws IOException {
        Path deleted = logFile.resolveSibling(logFile.getFileName() + SegmentFiles.DELETED_SUFFIX);
        CachedFileChannel.move(channel, logFile, deleted);
        logFile = deleted;
        offsetIndex.renameTo(offsetIndex.file().resolveSibling(offsetIndex.file().getFileName()
                + SegmentFiles.DELETED_SUFFIX));
        timeIndex.renameTo(timeIndex.file().resolveSibling(timeIndex.file().getFileName()
                + SegmentFiles.DELETED_SUFFIX));
    }

    /** Closes and removes the files. No reader may use the segment any more. */
    public void closeAndDelete() throws IOException {
        if (mappings != null) {
            mappings.retireNow();
        }
        try {
            offsetIndex.closeAndDelete();
            timeIndex.closeAndDelete();
        } finally {
            channel.close();
            Files.deleteIfExists(logFile);
        }
    }

    @Override
    public void close() throws IOException {
        if (mappings != null) {
            mappings.retireNow();
        }
        try {
            offsetIndex.close();
            timeIndex.close();
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile + ", size=" + sizeBytes + ")";
    }
}
