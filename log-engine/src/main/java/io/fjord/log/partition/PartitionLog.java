package io.fjord.log.partition;

import io.fjord.log.AppendListener;
import io.fjord.log.LogEndPosition;
import io.fjord.log.LogStorageException;
import io.fjord.log.EngineConfig;
import io.fjord.log.EngineMetrics;
import io.fjord.log.FileRegion;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.producer.ProducerStateManager;
import io.fjord.log.record.compress.BatchRecompressor;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.segment.SegmentFiles;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One partition's log: an ordered set of {@link LogSegment}s, the last of which takes appends.
 * The face its callers use; the work is done by one part per concern, sharing a
 * {@link PartitionState}: {@link LogLoader} (open and recovery), {@link LogAppender} (validation,
 * offsets, writes; with {@link SegmentRoller}), {@link LogReadView} (reads), {@link LogRetention}
 * (start offset, retention), {@link LogFlusher} (fsync, recovery point) and {@link CleanerSwap}
 * (the cleaner's bound and segment swap), over the segment list {@link LogSegments}.
 *
 * <p>Single writer: exactly one thread (the partition's writer) calls {@link #append}. It owns the
 * next offset as a plain field, writes the batches, and then publishes the log end offset with a
 * volatile store. Readers on any thread {@link #read} up to the published end without locking.
 * Admin operations (retention, {@link #deleteRecords}, flushes) run on other threads and take
 * small locks that the append path never touches. The log cleaner (compaction) replaces inactive
 * segments through {@link #replaceSegment}, under the same lock as retention; on a compacted
 * topic every record needs a key.
 */
public final class PartitionLog implements Closeable {
    private final PartitionState state;
    private final LogFlusher flusher;
    private final LogAppender appender;
    private final LogReadView reads;
    private final LogRetention retention;
    private final CleanerSwap cleaner;

    private PartitionLog(PartitionState state, long recoveryPoint, long openedMs, long cleanedBelow,
                         SegmentRetirer retirer, int maxDecompressedBatchBytes) {
        this.state = state;
        this.flusher = new LogFlusher(state, recoveryPoint, openedMs);
        this.appender = new LogAppender(state, flusher, maxDecompressedBatchBytes);
        this.reads = new LogReadView(state);
        this.retention = new LogRetention(state, retirer);
        this.cleaner = new CleanerSwap(state, retirer, cleanedBelow);
    }

    /**
     * Opens (or creates) the log in {@code dir}. After a clean shutdown the indexes are trusted
     * (and rebuilt only if they fail their sanity checks or are missing); otherwise every segment
     * from the one holding {@code recoveryPoint} on is rescanned and cut at the first invalid byte,
     * and every segment after a cut is deleted, so nothing after corruption is ever served.
     */
    public static PartitionLog open(Path dir, TopicPartition topicPartition, TopicConfig config, long recoveryPoint,
                                    long checkpointedLogStartOffset, boolean cleanShutdown, FileIo io,
                                    MillisClock clock, SegmentRetirer retirer) throws IOException {
        return open(dir, topicPartition, config, recoveryPoint, checkpointedLogStartOffset, cleanShutdown, io, clock,
                retirer, EngineConfig.DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES);
    }

    /**
     * {@link #open(Path, TopicPartition, TopicConfig, long, long, boolean, FileIo, MillisClock, SegmentRetirer)}
     * with the bound on a decompressed batch of a compacted topic ({@link EngineConfig#maxDecompressedBatchBytes()}),
     * for a partition that may have been compacted before (recovery then checks no offset continuity
     * until the cleaner records its bound).
     */
    public static PartitionLog open(Path dir, TopicPartition topicPartition, TopicConfig config, long recoveryPoint,
                                    long checkpointedLogStartOffset, boolean cleanShutdown, FileIo io,
                                    MillisClock clock, SegmentRetirer retirer, int maxDecompressedBatchBytes)
            throws IOException {
        return open(dir, topicPartition, config, recoveryPoint, checkpointedLogStartOffset, cleanShutdown, io, clock,
                retirer, maxDecompressedBatchBytes, true, new EngineMetrics());
    }

    /** As {@link #open(Path, TopicPartition, TopicConfig, long, long, boolean, FileIo, MillisClock, SegmentRetirer, int, boolean, EngineMetrics)}, counting in a private {@link EngineMetrics}. */
    public static PartitionLog open(Path dir, TopicPartition topicPartition, TopicConfig config, long recoveryPoint,
                                    long checkpointedLogStartOffset, boolean cleanShutdown, FileIo io,
                                    MillisClock clock, SegmentRetirer retirer, int maxDecompressedBatchBytes,
                                    boolean mayHaveBeenCleaned) throws IOException {
        return open(dir, topicPartition, config, recoveryPoint, checkpointedLogStartOffset, cleanShutdown, io, clock,
                retirer, maxDecompressedBatchBytes, mayHaveBeenCleaned, new EngineMetrics());
    }

    /**
     * The full form. {@code mayHaveBeenCleaned}: whether, when the directory has no
     * {@link CleanedOffsetBound} file, a cleaner may still have rewritten its segments (a version that
     * wrote no bound, or Kafka, cleaned it: the caller knows from the cleaner checkpoint); a topic
     * whose {@code cleanup.policy} includes compact counts as possibly cleaned anyway. Without the
     * file and without either, no segment was ever cleaned and recovery checks every segment's
     * offsets for continuity. What loading repairs (e.g. {@link EngineMetrics#indexesRebuilt()}) is
     * counted in {@code metrics}.
     */
    public static PartitionLog open(Path dir, TopicPartition topicPartition, TopicConfig config, long recoveryPoint,
                                    long checkpointedLogStartOffset, boolean cleanShutdown, FileIo io,
                                    MillisClock clock, SegmentRetirer retirer, int maxDecompressedBatchBytes,
                                    boolean mayHaveBeenCleaned, EngineMetrics metrics) throws IOException {
        PartitionState state = new PartitionState(topicPartition, dir, config, io, clock, metrics);
        long openedMs = clock.nowMs(); // flush.ms counts from here: loading may take a while
        try {
            long recorded = CleanedOffsetBound.read(dir);
            boolean unrecorded = recorded == CleanedOffsetBound.UNKNOWN && (mayHaveBeenCleaned || config.compact());
            long cleanedBelow = CleanerSwap.cleanedBelowOnOpen(recorded, unrecorded);
            long loadedRecoveryPoint = new LogLoader(state, cleanedBelow)
                    .load(recoveryPoint, checkpointedLogStartOffset, cleanShutdown);
            PartitionLog log = new PartitionLog(state, loadedRecoveryPoint, openedMs, cleanedBelow, retirer,
                    maxDecompressedBatchBytes);
            if (unrecorded && state.logEndOffset > 0) {
                log.cleaner.recordCleanedBelowEnd();
            }
            return log;
        } catch (IOException | RuntimeException e) {
            state.segments.closeAllQuietly(topicPartition);
            throw e;
        }
    }

    public TopicPartition topicPartition() {
        return state.topicPartition;
    }

    public Path dir() {
        return state.dir;
    }

    public TopicConfig config() {
        return state.config;
    }

    public void appendListener(AppendListener listener) {
        appender.appendListener(listener);
    }

    public void updateConfig(TopicConfig newConfig) {
        state.config = newConfig;
    }

    /** The next offset to be assigned: readers see every offset below it. */
    public long logEndOffset() {
        return state.logEndOffset;
    }

    /** The log end as offset and active segment position (published size read after the segment); any thread. */
    public LogEndPosition endPosition() {
        LogSegment segment = state.segments.active();
        return new LogEndPosition(state.logEndOffset, segment.baseOffset(), segment.sizeBytes());
    }

    public long logStartOffset() {
        return state.logStartOffset;
    }

    /** Every offset below this is fsynced. */
    public long recoveryPoint() {
        return flusher.recoveryPoint();
    }

    public boolean isOffline() {
        return state.offline;
    }

    public int segmentCount() {
        return state.segments.size();
    }

    /** A snapshot of the segments, oldest first. */
    public List<LogSegment> segments() {
        return state.segments.snapshot();
    }

    public long sizeBytes() {
        return state.segments.sizeBytes();
    }

    /**
     * Appends one or more v2 batches as received: validates each (length, magic, record count,
     * CRC-32C, size against {@code max.message.bytes}, then its records: {@link ProducedBatchValidator}),
     * answers an idempotent producer's retry with the offsets it was first appended at, rewrites
     * batches in another codec than the topic's {@code compression.type} (unless it is
     * {@code producer}; see {@link BatchRecompressor}), assigns offsets by patching base offset and
     * leader epoch in place (both outside the CRC), rolls the segment when due, writes, and
     * publishes the new log end offset.
     *
     * <p>Writer thread only. Returns the offsets assigned, or for a retry the original ones, in
     * this log's reused {@link AppendResult}: valid until the next append.
     */
    public AppendResult append(ByteBuffer records, int leaderEpoch) {
        return appender.append(records, leaderEpoch);
    }

    public ProducerStateManager producerState() {
        return state.producerState;
    }

    /**
     * Up to {@code maxBytes} of batches starting at the batch that holds {@code offset} (the whole
     * first batch even if larger). Empty at the log end; any thread.
     */
    public FileRegion read(long offset, int maxBytes) {
        return reads.read(offset, maxBytes);
    }

    /**
     * The first offset whose record timestamp is at least {@code timestampMs}, or -1 when no record
     * is that recent. Uses the time indexes; any thread.
     */
    public long offsetForTimestamp(long timestampMs) {
        return reads.offsetForTimestamp(timestampMs);
    }

    /**
     * Advances the log start offset to {@code offset} (Kafka's DeleteRecords); whole segments below
     * it are deleted. Offsets below it are no longer readable. Any thread.
     */
    public void deleteRecords(long offset) {
        retention.deleteRecords(offset);
    }

    /**
     * Deletes whole non-active segments that are below the log start offset, older than
     * {@code retention.ms} (by their largest record timestamp), or over {@code retention.bytes},
     * oldest first; never the active segment. Returns the number deleted. Any thread.
     */
    public int deleteRetiredSegments(long nowMs) {
        return retention.deleteRetiredSegments(nowMs);
    }

    /**
     * The monitor a cleaning pass holds for its whole run; {@link #close()} and
     * {@link #closeAndDeleteFiles()} first mark the log closed (the pass checks that between
     * batches and stops) and then take it, so no cleaner file appears after they finish.
     */
    public Object cleanerLock() {
        return cleaner.cleanerLock();
    }

    public FileIo fileIo() {
        return state.io;
    }

    /**
     * Called by a cleaning pass before it writes anything: records, durably, that segments below
     * the active one may be rewritten from now on, so recovery stops expecting contiguous offsets
     * there ({@link CleanedOffsetBound}). Writes only when the bound moves.
     */
    public void beforeCleaning() throws IOException {
        cleaner.beforeCleaning();
    }

    /** The segment taking appends; the cleaner never touches it. */
    public LogSegment activeSegment() {
        return state.segments.active();
    }

    /**
     * Swaps a cleaned segment in for {@code olds}, adjacent segments oldest first (one, or several
     * merged), crash-safely. {@code cleaned} has the first one's base offset and must be complete,
     * fsynced and named {@code *.swap} ({@link SegmentFiles#SWAP_SUFFIX}); from then on a crash
     * at any point is finished on open by {@link CleanerSwapRecovery}:
     * <ol>
     *   <li>every old segment is renamed to {@code *.deleted} (readers holding one keep reading);</li>
     *   <li>{@code cleaned} gets the live names, log file first;</li>
     *   <li>the map entry of the first base offset is replaced, then the others removed: a reader
     *       finds every surviving record of the range at its original offset in either the old
     *       segment or the cleaned one;</li>
     *   <li>the old segments are retired: closed and deleted after {@code file.delete.delay.ms}.</li>
     * </ol>
     * Returns false, changing nothing, when one of {@code olds} is no longer in the log (retention
     * or deletion took it while it was being cleaned) or the log is closed; the caller then deletes
     * {@code cleaned}. Any thread except the writer; serialised with retention.
     *
     * @param beforeRename called after step 1, for crash tests
     */
    public boolean replaceSegments(List<LogSegment> olds, LogSegment cleaned, Runnable beforeRename)
            throws IOException {
        return cleaner.replaceSegments(olds, cleaned, beforeRename);
    }

    /** {@link #replaceSegments} of one segment. */
    public boolean replaceSegment(LogSegment old, LogSegment cleaned, Runnable beforeRename) throws IOException {
        return replaceSegments(List.of(old), cleaned, beforeRename);
    }

    /**
     * fsyncs everything appended so far and advances the recovery point. Thread-safe; concurrent
     * callers are serialised, and a caller whose data an earlier flush already covered returns at once.
     */
    public void flush() {
        flusher.flush();
    }

    /** Flushes if {@code flush.ms} has passed since the last flush and there is unflushed data. */
    public void maybeFlushOnTimer(long nowMs) {
        flusher.maybeFlushOnTimer(nowMs);
    }

    /** Hands the writer role to another thread (e.g. when the writer pool changes). */
    public void resetWriterThread() {
        appender.resetWriterThread();
    }

    public boolean isClosed() {
        return state.closed;
    }

    /** Marks the log closed: appends fail from now on; reads keep working until {@link #close()}. */
    public void markClosed() {
        state.closed = true;
    }

    /** Flushes and closes every segment (trimming the indexes). No reader or writer may be active. */
    @Override
    public void close() throws IOException {
        state.closed = true;
        synchronized (cleaner.cleanerLock()) {
            closeSegments();
        }
    }

    private void closeSegments() throws IOException {
        RuntimeException flushFailure = null;
        if (!state.offline) {
            try {
                flush();
                // A clean start trusts every index, so the active segment's too, which no roll wrote out.
                state.segments.active().flushAll();
            } catch (IOException e) {
                flushFailure = new LogStorageException(state.topicPartition + ": writing the indexes out at close failed: "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                flushFailure = e; // reported after the segments are closed: none may stay open
            }
        }
        try {
            state.segments.closeAll();
        } catch (IOException e) {
            if (flushFailure == null) {
                throw e;
            }
            flushFailure.addSuppressed(e);
        }
        if (flushFailure != null) {
            throw flushFailure;
        }
    }

    /** Closes and removes the whole partition directory (topic deletion). */
    public void closeAndDeleteFiles() throws IOException {
        state.closed = true;
        synchronized (cleaner.cleanerLock()) {
            deleteFiles();
        }
        AppendListener listener = appender.appendListener(); // waiting fetches learn the partition is gone
        if (listener != null) {
            listener.onAppend(state.topicPartition, state.logEndOffset);
        }
    }

    private void deleteFiles() throws IOException {
        state.segments.closeAndDeleteAll();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(state.dir)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(state.dir);
    }

    @Override
    public String toString() {
        return "PartitionLog(" + state.topicPartition + ", start=" + state.logStartOffset + ", end="
                + state.logEndOffset + ")";
    }
}
