package io.fjord.log.partition;

import io.fjord.index.CorruptIndexException;
import io.fjord.log.AppendListener;
import io.fjord.log.EngineClosedException;
import io.fjord.log.EngineConfig;
import io.fjord.log.EngineMetrics;
import io.fjord.log.FileRegion;
import io.fjord.log.InvalidRecordException;
import io.fjord.log.LogStorageException;
import io.fjord.log.OffsetOutOfRangeException;
import io.fjord.log.RecordTooLargeException;
import io.fjord.log.RecordValidationException;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.io.AtomicFiles;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.producer.ProducerStateManager;
import io.fjord.log.record.BatchValidation;
import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.compress.BatchRecompressor;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.segment.SegmentFiles;
import io.fjord.log.segment.SegmentRollbackException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One partition's log: an ordered set of {@link LogSegment}s, the last of which takes appends.
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
    private static final System.Logger LOG = System.getLogger(PartitionLog.class.getName());

    private final TopicPartition topicPartition;
    private final Path dir;
    private final FileIo io;
    private final MillisClock clock;
    private final SegmentRetirer retirer;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final Object flushLock = new Object();
    private final Object startOffsetLock = new Object();
    /** Held by a cleaning pass over this log, and by close/delete to wait one out. */
    private final Object cleanerLock = new Object();
    private final ProducerStateManager producerState;
    private final EngineMetrics metrics;

    private volatile TopicConfig config;
    private volatile AppendListener appendListener;
    private volatile LogSegment activeSegment;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    /**
     * A segment file was created (or a name otherwise changed) in {@link #dir} since its last
     * fsync: the next flush fsyncs the directory too, or the names of fsynced segments could be
     * lost with power. True at open: loading may have created, cut or deleted segments.
     */
    private volatile boolean dirSyncPending = true;
    private volatile boolean offline;
    private volatile boolean closed;
    /** Segments from this base offset on were never rewritten by the cleaner ({@link CleanedOffsetBound}). */
    private long cleanedBelow;

    // Writer-owned.
    private final RecordBatch batch = new RecordBatch();
    private final ProducedBatchValidator recordsValidator;
    private final int maxDecompressedBatchBytes;
    private Thread writerThread;
    private long lastAppendLastOffset;
    private boolean syncPending;

    private PartitionLog(TopicPartition topicPartition, Path dir, TopicConfig config, FileIo io, MillisClock clock,
                         SegmentRetirer retirer, int maxDecompressedBatchBytes, EngineMetrics metrics) {
        this.topicPartition = topicPartition;
        this.recordsValidator = new ProducedBatchValidator(topicPartition, maxDecompressedBatchBytes);
        this.metrics = metrics;
        this.maxDecompressedBatchBytes = maxDecompressedBatchBytes;
        this.dir = dir;
        this.config = config;
        this.io = io;
        this.clock = clock;
        this.retirer = retirer;
        this.lastFlushMs = clock.nowMs();
        this.producerState = new ProducerStateManager(topicPartition);
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
        PartitionLog log = new PartitionLog(topicPartition, dir, config, io, clock, retirer, maxDecompressedBatchBytes,
                metrics);
        try {
            long recorded = CleanedOffsetBound.read(dir);
            boolean unrecorded = recorded == CleanedOffsetBound.UNKNOWN && (mayHaveBeenCleaned || config.compact());
            log.cleanedBelow = recorded != CleanedOffsetBound.UNKNOWN ? recorded : unrecorded ? Long.MAX_VALUE : 0;
            log.load(recoveryPoint, checkpointedLogStartOffset, cleanShutdown);
            if (unrecorded && log.logEndOffset > 0) {
                log.recordCleanedBelowEnd();
            }
        } catch (IOException | RuntimeException e) {
            log.closeSegmentsQuietly();
            throw e;
        }
        return log;
    }

    private void load(long checkpointedRecoveryPoint, long checkpointedLogStartOffset, boolean cleanShutdown)
            throws IOException {
        Files.createDirectories(dir);
        CleanerSwapRecovery.completeInterruptedSwaps(dir, topicPartition);
        List<Long> baseOffsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.DELETED_SUFFIX) || name.endsWith(".tmp")) {
                    Files.deleteIfExists(file); // a retired segment or a temp file from before a crash
                    continue;
                }
                long base = SegmentFiles.baseOffsetOfLogFile(name);
                if (base >= 0) {
                    baseOffsets.add(base);
                }
            }
        }
        baseOffsets.sort(null);
        TopicConfig cfg = config;
        long recoverFrom = cleanShutdown ? Long.MAX_VALUE : segmentBaseAtOrBelow(baseOffsets, checkpointedRecoveryPoint);
        boolean cut = false;
        long nowMs = clock.nowMs();
        List<LogSegment> rebuilt = new ArrayList<>();
        for (int i = 0; i < baseOffsets.size(); i++) {
            long base = baseOffsets.get(i);
            long nextBase = i + 1 < baseOffsets.size() ? baseOffsets.get(i + 1) : Long.MAX_VALUE;
            LogSegment segment = LogSegment.open(dir, base, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), io, nowMs);
            if (cut) {
                LOG.log(System.Logger.Level.WARNING, "{0}: deleting segment {1} that follows a truncated one",
                        topicPartition, segment.logFile());
                segment.closeAndDelete();
                continue;
            }
            segments.put(base, segment);
            if (base >= recoverFrom) {
                if (segment.discardedIndexReason() != null) {
                    logIndexRebuild(segment, segment.discardedIndexReason());
                }
                cut = segment.recover(Integer.MAX_VALUE, nextBase, base >= cleanedBelow) > 0
                        || base >= cleanedBelow && segment.endsShortOf(nextBase);
                rebuilt.add(segment);
            } else {
                try {
                    segment.loadClean();
                    if (base != baseOffsets.get(baseOffsets.size() - 1)) {
                        // Opening preallocated the index files again. A segment that takes no
                        // more appends keeps them trimmed: otherwise a crash before the next
                        // close leaves zero-tailed full-size indexes that force a rescan.
                        segment.offsetIndex().trimToValidSize();
                        segment.timeIndex().trimToValidSize();
                        // Checked; mapped again on first use (no reader runs yet, so unmapping is safe).
                        segment.releaseIndexMappings();
                    }
                } catch (CorruptIndexException e) {
                    logIndexRebuild(segment, e.getMessage());
                    cut = segment.recover(Integer.MAX_VALUE, nextBase, base >= cleanedBelow) > 0
                            || base >= cleanedBelow && segment.endsShortOf(nextBase);
                    rebuilt.add(segment);
                }
            }
        }
        // Rebuilt older segments get the final time index entry and trimmed files a roll gives.
        // Segments rebuilt for bad indexes below the recovery point are made durable at once, as
        // the recovery point already covers them; the routine rescan of the unflushed tail after
        // a crash is not: the recovery point stays where the checkpoint had it (as Kafka's does),
        // so another crash rescans that tail again, and the next flush makes it durable. That
        // keeps a restart of 10,000 partitions after kill -9 from fsyncing 30,000 files.
        for (LogSegment segment : rebuilt) {
            if (segment != segments.lastEntry().getValue()) {
                segment.onBecomeInactive();
            }
            if (segment.baseOffset() < recoverFrom) {
                segment.flushAll();
            }
        }
        long start = Math.max(0, checkpointedLogStartOffset);
        if (segments.isEmpty()) {
            LogSegment first = LogSegment.create(dir, start, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), io, nowMs);
            segments.put(start, first);
        }
        LogSegment last = segments.lastEntry().getValue();
        long end = last.nextOffset();
        if (start > end) {
            // The checkpointed start is past what survived (e.g. data lost with its disk cache):
            // begin an empty log at the start offset rather than serve offsets below it again.
            for (LogSegment segment : segments.values()) {
                segment.closeAndDelete();
            }
            segments.clear();
            last = LogSegment.create(dir, start, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), io, nowMs);
            segments.put(start, last);
            end = start;
        }
        rebuildProducerState(nowMs);
        activeSegment = last;
        logEndOffset = end;
        lastAppendLastOffset = end - 1;
        logStartOffset = Math.max(start, segments.firstKey());
        recoveryPoint = cleanShutdown ? end : Math.min(end, Math.max(checkpointedRecoveryPoint, 0));
    }

    /** Once per segment whose indexes are rebuilt because they were missing or unusable. */
    private void logIndexRebuild(LogSegment segment, String reason) {
        LOG.log(System.Logger.Level.WARNING, "{0}: rebuilding the indexes of {1} from the log: {2}", topicPartition,
                segment.logFile(), reason);
        metrics.onIndexesRebuilt();
    }

    /**
     * Replays the batch headers of recent segments into the producer state. Segments last written
     * longer than {@code producer.id.expiration.ms} ago are skipped: their producers have been
     * idle that long and would have expired anyway, and this bounds the startup scan. (File
     * times, not record timestamps: clients may stamp records with any time.)
     */
    private void rebuildProducerState(long nowMs) throws IOException {
        for (LogSegment segment : segments.values()) {
            if (nowMs - segment.lastModifiedMs() > ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS) {
                continue;
            }
            segment.forEachBatchHeader(header -> {
                if (header.producerId() >= 0 && !header.isControl()) {
                    producerState.onAppended(header.producerId(), header.producerEpoch(), header.baseSequence(),
                            header.lastSequence(), header.baseOffset(), header.lastOffset(), nowMs);
                }
            });
        }
    }

    private static long segmentBaseAtOrBelow(List<Long> baseOffsets, long offset) {
        long found = Long.MIN_VALUE;
        for (long base : baseOffsets) {
            if (base <= offset) {
                found = base;
            }
        }
        return found;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public TopicConfig config() {
        return config;
    }

    public void appendListener(AppendListener listener) {
        this.appendListener = listener;
    }

    public void updateConfig(TopicConfig newConfig) {
        this.config = newConfig;
    }

    /** The next offset to be assigned: readers see every offset below it. */
    public long logEndOffset() {
        return logEndOffset;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    /** Every offset below this is fsynced. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    public boolean isOffline() {
        return offline;
    }

    public int segmentCount() {
        return segments.size();
    }

    /** A snapshot of the segments, oldest first. */
    public List<LogSegment> segments() {
        return new ArrayList<>(segments.values());
    }

    public long sizeBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.sizeBytes();
        }
        return total;
    }

    /**
     * Appends one or more v2 batches as received: validates each (length, magic, record count,
     * CRC-32C, size against {@code max.message.bytes}, then its records: {@link ProducedBatchValidator}),
     * rewrites batches in another codec than the topic's {@code compression.type} (unless it is
     * {@code producer}; see {@link BatchRecompressor}), assigns offsets by patching base offset and
     * leader epoch in place (both outside the CRC),
     * rolls the segment when due, writes, and publishes the new log end offset.
     *
     * <p>Writer thread only. Returns the first assigned offset; {@link #lastAppendLastOffset()}
     * has the last.
     */
    public long append(ByteBuffer records, int leaderEpoch) {
        assert isWriterThread() : "append on " + Thread.currentThread() + ", writer is " + writerThread;
        if (closed) {
            throw new EngineClosedException(topicPartition + " is closed");
        }
        if (offline) {
            throw new LogStorageException(topicPartition + " is offline after an unrecoverable storage error");
        }
        TopicConfig cfg = config;
        int start = records.position();
        int end = records.limit();
        if (end - start == 0) {
            throw new InvalidRecordException(topicPartition + ": no record batch to append");
        }
        if (end - start > cfg.segmentBytes()) {
            throw new RecordTooLargeException(topicPartition + ": " + (end - start) + " bytes of batches exceed "
                    + TopicConfig.SEGMENT_BYTES + "=" + cfg.segmentBytes());
        }
        int idempotentBatches = validateBatches(records, start, end, cfg.maxMessageBytes());
        if (idempotentBatches > 0 && isDuplicateOfLoggedBatch(records, start, end, idempotentBatches)) {
            return producerState.duplicateFirstOffset();
        }
        if (cfg.compressionCodecId() != TopicConfig.COMPRESSION_PRODUCER) {
            records = inTopicCodec(records, start, end, cfg);
            start = records.position();
            end = records.limit();
        }

        long firstOffset = logEndOffset;
        long nextOffset = firstOffset;
        for (int offset = start; offset < end; offset += batch.sizeInBytes()) {
            batch.wrap(records, offset);
            batch.baseOffset(nextOffset);
            batch.partitionLeaderEpoch(leaderEpoch);
            nextOffset = batch.nextOffset();
        }
        LogSegment segment;
        try {
            segment = maybeRoll(end - start, firstOffset, nextOffset - 1, cfg);
            segment.write(records);
        } catch (SegmentRollbackException e) {
            offline = true;
            throw new LogStorageException(topicPartition + " went offline: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LogStorageException(topicPartition + ": append failed, nothing was written: " + e.getMessage(), e);
        }
        if (idempotentBatches > 0) {
            batch.wrap(records, start);
            producerState.onAppended(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                    batch.lastSequence(), batch.baseOffset(), batch.lastOffset(), clock.nowMs());
        }
        lastAppendLastOffset = nextOffset - 1;
        logEndOffset = nextOffset;
        segment.publish(); // after the end offset: see LogSegment.write
        if (nextOffset - recoveryPoint >= cfg.flushMessages()) {
            flush();
        }
        AppendListener listener = appendListener;
        if (listener != null) {
            listener.onAppend(topicPartition, nextOffset);
        }
        return firstOffset;
    }

    /** The last offset assigned by the most recent {@link #append}; writer thread only. */
    public long lastAppendLastOffset() {
        return lastAppendLastOffset;
    }

    /**
     * Checks an idempotent batch against the producer state; true for a retry of a batch already
     * in the log (its original offsets are then the answer). Kafka's produce requests carry one
     * batch per partition; an idempotent batch must come alone so its sequence check is exact.
     */
    private boolean isDuplicateOfLoggedBatch(ByteBuffer records, int start, int end, int idempotentBatches) {
        batch.wrap(records, start);
        if (idempotentBatches > 1 || batch.sizeInBytes() != end - start) {
            throw new InvalidRecordException(topicPartition + ": a batch from an idempotent producer must be the only"
                    + " batch of its append");
        }
        if (producerState.isDuplicate(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                batch.lastSequence())) {
            lastAppendLastOffset = producerState.duplicateLastOffset();
            return true;
        }
        return false;
    }

    public ProducerStateManager producerState() {
        return producerState;
    }

    /** Validates every batch; returns how many carry a producer id (idempotent or transactional). */
    private int validateBatches(ByteBuffer records, int start, int end, int maxBatchBytes) {
        int idempotent = 0;
        long nowMs = clock.nowMs();
        for (int offset = start; offset < end; ) {
            batch.wrap(records, offset);
            BatchValidation validation = batch.validate(end - offset, maxBatchBytes);
            if (!validation.isValid()) {
                if (validation == BatchValidation.INVALID_LENGTH && end - offset >= RecordBatchDescriptor.LOG_OVERHEAD
                        && batch.sizeInBytes() > maxBatchBytes) {
                    throw new RecordTooLargeException(topicPartition + ": batch of " + batch.sizeInBytes()
                            + " bytes exceeds " + TopicConfig.MAX_MESSAGE_BYTES + "=" + maxBatchBytes);
                }
                if (validation == BatchValidation.INVALID_RECORD_COUNT) {
                    // Kafka: "Inconsistent batch offset range ... and count of records", INVALID_RECORD.
                    throw new RecordValidationException(topicPartition + ": batch at byte " + (offset - start)
                            + " has recordsCount " + batch.recordsCount() + " and lastOffsetDelta "
                            + batch.lastOffsetDelta());
                }
                throw new InvalidRecordException(topicPartition + ": batch at byte " + (offset - start) + " is "
                        + validation);
            }
            recordsValidator.validate(batch, offset - start, config, nowMs);
            if (batch.producerId() >= 0 && !batch.isControl()) {
                idempotent++;
            }
            offset += batch.sizeInBytes();
        }
        return idempotent;
    }

    /**
     * {@code records} with every batch in the topic's {@code compression.type} codec: the same
     * buffer when all already are, else the writer thread's recompressor's (valid until its next use).
     */
    private ByteBuffer inTopicCodec(ByteBuffer records, int start, int end, TopicConfig cfg) {
        BatchRecompressor recompressor = BatchRecompressor.forThisThread(maxDecompressedBatchBytes);
        if (!recompressor.needed(records, start, end, cfg.compressionCodecId())) {
            return records;
        }
        ByteBuffer rewritten;
        try {
            rewritten = recompressor.recompress(records, start, end, cfg.compressionCodecId(), cfg.compressionLevel(),
                    cfg.maxMessageBytes());
        } catch (CorruptRecordException e) {
            throw new InvalidRecordException(topicPartition + ": " + e.getMessage());
        } catch (RecordTooLargeException e) {
            throw new RecordTooLargeException(topicPartition + ": " + e.getMessage());
        }
        if (rewritten.remaining() > cfg.segmentBytes()) {
            throw new RecordTooLargeException(topicPartition + ": " + rewritten.remaining() + " bytes of batches in"
                    + " the topic's codec exceed " + TopicConfig.SEGMENT_BYTES + "=" + cfg.segmentBytes());
        }
        return rewritten;
    }

    private LogSegment maybeRoll(int appendBytes, long firstOffset, long lastOffset, TopicConfig cfg)
            throws IOException {
        LogSegment segment = activeSegment;
        long nowMs = clock.nowMs();
        boolean roll = !segment.isEmpty()
                && (segment.sizeBytes() > cfg.segmentBytes() - appendBytes
                || nowMs - segment.createdMs() > cfg.segmentMs() - rollJitterMs(segment, cfg)
                || segment.indexesFull()
                || !segment.canHoldOffset(lastOffset));
        if (!roll) {
            return segment;
        }
        // Create the new segment first: if that fails the old one must stay active and untrimmed.
        LogSegment next = LogSegment.create(dir, firstOffset, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), io,
                nowMs);
        dirSyncPending = true; // before the append that publishes offsets in it, which a flush reads first
        segments.put(firstOffset, next);
        activeSegment = next;
        segment.onBecomeInactive();
        return next;
    }

    /**
     * How much earlier than {@code segment.ms} this segment rolls ({@code segment.jitter.ms}): a
     * share in {@code [0, min(jitter, segment.ms))} derived from the partition and the segment's
     * base offset, so partitions created together spread their rolls and a restart keeps the share.
     */
    private long rollJitterMs(LogSegment segment, TopicConfig cfg) {
        long bound = Math.min(cfg.segmentJitterMs(), cfg.segmentMs());
        if (bound <= 0) {
            return 0;
        }
        long mixed = (topicPartition.hashCode() * 0x9E3779B97F4A7C15L) ^ (segment.baseOffset() * 0xC2B2AE3D27D4EB4FL);
        mixed ^= mixed >>> 31;
        return Math.floorMod(mixed, bound);
    }

    /**
     * Up to {@code maxBytes} of batches starting at the batch that holds {@code offset} (the whole
     * first batch even if larger). Empty at the log end; any thread.
     */
    public FileRegion read(long offset, int maxBytes) {
        long end = logEndOffset;
        long start = logStartOffset;
        if (offset == end) {
            return FileRegion.EMPTY;
        }
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException(topicPartition + ": offset " + offset + " is outside [" + start
                    + ", " + end + "]");
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            while (entry != null) {
                FileRegion region = entry.getValue().read(offset, maxBytes);
                if (region != null) {
                    return region;
                }
                entry = segments.higherEntry(entry.getKey());
            }
            return FileRegion.EMPTY;
        } catch (IOException e) {
            throw new LogStorageException(topicPartition + ": read at offset " + offset + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The first offset whose record timestamp is at least {@code timestampMs}, or -1 when no record
     * is that recent. Uses the time indexes; any thread.
     */
    public long offsetForTimestamp(long timestampMs) {
        long start = logStartOffset;
        try {
            for (LogSegment segment : segments.values()) {
                if (segment.nextOffset() <= start || segment.largestTimestampMs() < timestampMs) {
                    continue;
                }
                long found = segment.findOffsetByTimestamp(timestampMs, start);
                if (found >= 0) {
                    return found;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new LogStorageException(topicPartition + ": timestamp lookup failed: " + e.getMessage(), e);
        }
    }

    /**
     * Advances the log start offset to {@code offset} (Kafka's DeleteRecords); whole segments below
     * it are deleted. Offsets below it are no longer readable. Any thread.
     */
    public void deleteRecords(long offset) {
        synchronized (startOffsetLock) {
            long end = logEndOffset;
            if (offset < 0 || offset > end) {
                throw new OffsetOutOfRangeException(topicPartition + ": cannot delete records before " + offset
                        + ", the log ends at " + end);
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
            }
        }
        deleteRetiredSegments(clock.nowMs());
    }

    /**
     * Deletes whole non-active segments that are below the log start offset, older than
     * {@code retention.ms} (by their largest record timestamp), or over {@code retention.bytes},
     * oldest first; never the active segment. Returns the number deleted. Any thread.
     */
    public int deleteRetiredSegments(long nowMs) {
        synchronized (startOffsetLock) {
            TopicConfig cfg = config;
            LogSegment active = activeSegment;
            long excessBytes = cfg.retentionBytes() < 0 ? 0 : sizeBytes() - cfg.retentionBytes();
            List<LogSegment> doomed = new ArrayList<>();
            if (!cfg.deleteRetention()) {
                excessBytes = 0; // compact-only topics keep their history by key, not by age or size
            }
            boolean timeExpiredSoFar = cfg.retentionMs() >= 0 && cfg.deleteRetention();
            try {
                for (LogSegment segment : segments.values()) {
                    if (segment == active || segment.baseOffset() >= active.baseOffset()) {
                        break;
                    }
                    boolean belowStart = segment.nextOffset() <= logStartOffset;
                    timeExpiredSoFar = timeExpiredSoFar && nowMs - segment.largestTimestampMs() > cfg.retentionMs();
                    boolean overSize = excessBytes > 0 && excessBytes - segment.sizeBytes() >= 0;
                    if (!belowStart && !timeExpiredSoFar && !overSize) {
                        break;
                    }
                    excessBytes -= segment.sizeBytes();
                    doomed.add(segment);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: retention check failed: {1}", topicPartition, e.getMessage());
            }
            if (doomed.isEmpty()) {
                return 0;
            }
            // Raise the start offset before the segments leave the map, so a reader never finds
            // an offset that is in range but has no segment.
            long newStart = segments.higherKey(doomed.get(doomed.size() - 1).baseOffset());
            if (newStart > logStartOffset) {
                logStartOffset = newStart;
            }
            for (LogSegment segment : doomed) {
                segments.remove(segment.baseOffset());
                try {
                    segment.markDeleted();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: could not rename {1} for deletion: {2}",
                            topicPartition, segment.logFile(), e.getMessage());
                }
                retirer.retire(segment, cfg.fileDeleteDelayMs());
            }
            return doomed.size();
        }
    }

    /**
     * The monitor a cleaning pass holds for its whole run; {@link #close()} and
     * {@link #closeAndDeleteFiles()} first mark the log closed (the pass checks that between
     * batches and stops) and then take it, so no cleaner file appears after they finish.
     */
    public Object cleanerLock() {
        return cleanerLock;
    }

    public FileIo fileIo() {
        return io;
    }

    /**
     * Whatever cleaned this log before (an earlier version, Kafka) rewrote nothing at or past its
     * end: from the next start on, segments rolled from here are checked for continuity. Best effort.
     */
    private void recordCleanedBelowEnd() {
        try {
            CleanedOffsetBound.write(dir, logEndOffset);
            cleanedBelow = logEndOffset;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: could not record {1}: {2}", topicPartition,
                    CleanedOffsetBound.FILE_NAME, e.toString());
        }
    }

    /**
     * Called by a cleaning pass before it writes anything: records, durably, that segments below
     * the active one may be rewritten from now on, so recovery stops expecting contiguous offsets
     * there ({@link CleanedOffsetBound}). Writes only when the bound moves.
     */
    public void beforeCleaning() throws IOException {
        synchronized (startOffsetLock) {
            // No cleaner (of any version, or Kafka's) ever rewrote the active segment, so lowering an
            // unknown (MAX) bound to its base is as sound as raising a known one.
            long activeBase = activeSegment.baseOffset();
            if (cleanedBelow == Long.MAX_VALUE || activeBase > cleanedBelow) {
                CleanedOffsetBound.write(dir, activeBase);
                cleanedBelow = activeBase;
            }
        }
    }

    /** The segment taking appends; the cleaner never touches it. */
    public LogSegment activeSegment() {
        return activeSegment;
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
        synchronized (startOffsetLock) {
            if (closed || olds.isEmpty() || cleaned.baseOffset() != olds.get(0).baseOffset()) {
                return false;
            }
            for (LogSegment old : olds) {
                if (segments.get(old.baseOffset()) != old || old == activeSegment) {
                    return false;
                }
            }
            for (LogSegment old : olds) {
                old.markDeleted();
            }
            beforeRename.run();
            cleaned.renameSuffix(SegmentFiles.SWAP_SUFFIX, "", false);
            AtomicFiles.fsyncDirectory(dir);
            segments.put(cleaned.baseOffset(), cleaned);
            for (int i = 1; i < olds.size(); i++) {
                segments.remove(olds.get(i).baseOffset(), olds.get(i));
            }
            for (LogSegment old : olds) {
                retirer.retire(old, config.fileDeleteDelayMs());
            }
            return true;
        }
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
        long upTo = logEndOffset;
        synchronized (flushLock) {
            if (upTo <= recoveryPoint) {
                return;
            }
            try {
                Long from = segments.floorKey(recoveryPoint);
                LogSegment active = activeSegment;
                for (LogSegment segment : segments.tailMap(from == null ? Long.MIN_VALUE : from, true).values()) {
                    if (segment.baseOffset() >= upTo && segment != active) {
                        break;
                    }
                    if (segment == active) {
                        segment.flush();
                    } else {
                        segment.flushAll();
                    }
                }
                if (dirSyncPending) {
                    dirSyncPending = false; // first: a roll during the fsync sets it again
                    try {
                        AtomicFiles.fsyncDirectory(dir);
                    } catch (IOException e) {
                        dirSyncPending = true;
                        throw e;
                    }
                }
            } catch (IOException e) {
                throw new LogStorageException(topicPartition + ": fsync failed: " + e.getMessage(), e);
            }
            recoveryPoint = upTo;
            lastFlushMs = clock.nowMs();
        }
    }

    /** Flushes if {@code flush.ms} has passed since the last flush and there is unflushed data. */
    public void maybeFlushOnTimer(long nowMs) {
        if (logEndOffset > recoveryPoint && nowMs - lastFlushMs >= config.flushMs()) {
            flush();
        }
    }

    /** Writer bookkeeping for group commit: whether this log awaits an fsync this cycle. */
    public boolean syncPending() {
        return syncPending;
    }

    public void syncPending(boolean value) {
        syncPending = value;
    }

    private boolean isWriterThread() {
        Thread current = Thread.currentThread();
        if (writerThread == null) {
            writerThread = current;
        }
        return writerThread == current;
    }

    /** Hands the writer role to another thread (e.g. when the writer pool changes). */
    public void resetWriterThread() {
        writerThread = null;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Marks the log closed: appends fail from now on; reads keep working until {@link #close()}. */
    public void markClosed() {
        closed = true;
    }

    /** Flushes and closes every segment (trimming the indexes). No reader or writer may be active. */
    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (cleanerLock) {
            closeSegments();
        }
    }

    private void closeSegments() throws IOException {
        if (!offline) {
            flush();
            // A clean start trusts every index, so the active segment's too, which no roll wrote out.
            activeSegment.flushAll();
        }
        IOException failure = null;
        for (LogSegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes and removes the whole partition directory (topic deletion). */
    public void closeAndDeleteFiles() throws IOException {
        closed = true;
        synchronized (cleanerLock) {
            deleteFiles();
        }
    }

    private void deleteFiles() throws IOException {
        for (LogSegment segment : segments.values()) {
            segment.closeAndDelete();
        }
        segments.clear();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }

    private void closeSegmentsQuietly() {
        for (LogSegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: closing {1} failed: {2}", topicPartition, segment, e);
            }
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + logEndOffset + ")";
    }
}
