package io.fjord.log.cleaner;

import io.fjord.log.RecordTooLargeException;
import io.fjord.log.TopicConfig;
import io.fjord.log.io.AtomicFiles;
import io.fjord.log.partition.PartitionLog;
import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordCursor;
import io.fjord.log.record.compress.BatchDecompressor;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.segment.SegmentFiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compacts one partition log once, Kafka's algorithm:
 * <ol>
 *   <li><b>Range.</b> Only inactive segments that are fsynced (below the recovery point, after a
 *       flush) and, with {@code min.compaction.lag.ms}, old enough. The active segment is never
 *       read or written.</li>
 *   <li><b>Map.</b> The dirty records (at or after the cleaner checkpoint) go into the bounded
 *       {@link OffsetMap}: key to latest offset. If it fills, the pass covers only the records
 *       mapped so far and the checkpoint advances only that far; the next pass continues.</li>
 *   <li><b>Rewrite.</b> Every segment from the log start up to what the map covers is rewritten
 *       into {@code <base>.log.cleaned}; adjacent segments that fit one segment together are
 *       rewritten into one ({@link SegmentGroups}), so a log that compaction shrank does not keep
 *       a segment (three files, an fd, two mappings) per few records. A record is kept unless
 *       the map holds a later offset for its key, or it is a tombstone whose batch's delete
 *       horizon has passed. Control batches are kept whole; so is each producer's last batch,
 *       if only as an empty header, so idempotent producers are still recognised after a
 *       restart rebuilds their state from the log. See {@link CleanedBatchWriter}.</li>
 *   <li><b>Swap.</b> Indexes rebuilt by the append, everything fsynced, renamed to {@code .swap},
 *       then {@link PartitionLog#replaceSegments} makes it live and retires the old segments.</li>
 * </ol>
 *
 * <p>I/O: segment reads and cleaned writes go through the cleaner's shared {@link IoThrottler}
 * ({@code cleanerIoMaxBytesPerSecond}); the fsyncs and renames of a swap are not counted.
 *
 * <p>Memory: the map, one read buffer and one write buffer, all fixed (each I/O buffer grows to a
 * larger batch, at most {@code max.message.bytes}), plus one entry per producer id seen in the
 * range (producer ids are few: one per producer instance). Compressed batches add the decompressed
 * view, the rebuilt records and their recompressed copy, each grown on demand to the largest such
 * batch and bounded by the engine's {@code maxDecompressedBatchBytes}.
 *
 * <p>Not thread-safe: one per cleaner thread, reused across logs.
 */
final class CleaningPass {
    private static final System.Logger LOG = System.getLogger(CleaningPass.class.getName());

    private final OffsetMap map;
    private final SegmentBatchReader reader;
    private final CleanedBatchWriter writer;
    private final BatchDecompressor decompressor;
    private final RecordCursor cursor = new RecordCursor();
    private boolean[] keep = new boolean[64];
    private CleanerHook hook = CleanerHook.NONE;

    /** What a pass achieved. */
    record Result(int segmentsCleaned, long newFirstDirtyOffset, long bytesBefore, long bytesAfter) {
        static final Result NOTHING = new Result(0, -1, 0, 0);
    }

    CleaningPass(long mapBytes, int ioBufferBytes, int maxDecompressedBatchBytes) {
        this(mapBytes, ioBufferBytes, maxDecompressedBatchBytes, new IoThrottler(IoThrottler.UNLIMITED));
    }

    /** @param throttler caps the pass's segment reads and writes, shared with the other cleaner threads */
    CleaningPass(long mapBytes, int ioBufferBytes, int maxDecompressedBatchBytes, IoThrottler throttler) {
        this.map = new OffsetMap(mapBytes);
        this.decompressor = new BatchDecompressor(maxDecompressedBatchBytes);
        this.reader = new SegmentBatchReader(ioBufferBytes / 2, throttler);
        this.writer = new CleanedBatchWriter(ioBufferBytes / 2, throttler);
    }

    /**
     * Cleans {@code log} given its checkpoint ({@code firstDirtyOffset}). The caller holds the
     * log's cleaner lock, so the log is not closed or deleted under the pass except by a flag the
     * pass checks between batches.
     */
    Result clean(PartitionLog log, long firstDirtyOffset, long nowMs, CleanerHook hook) throws IOException {
        if (log.isClosed()) {
            return Result.NOTHING;
        }
        this.hook = hook;
        log.flush(); // the range must be durable, and flushes must not need the segments we retire
        TopicConfig cfg = log.config();
        List<LogSegment> range = cleanableSegments(log, cfg, nowMs);
        if (range.isEmpty()) {
            return Result.NOTHING;
        }
        log.beforeCleaning(); // before any .swap file can exist
        long firstDirty = Math.max(firstDirtyOffset, log.logStartOffset());
        long coveredEnd = buildOffsetMap(log, range, firstDirty, cfg);
        Map<Long, Long> lastBatchOfProducer = lastBatchOfEachProducer(range);
        int cleaned = 0;
        long before = 0;
        long after = 0;
        for (List<LogSegment> group : SegmentGroups.bySize(range, coveredEnd, cfg)) {
            if (log.isClosed()) {
                return new Result(cleaned, -1, before, after);
            }
            LogSegment first = group.get(0);
            LogSegment result = cleanGroup(log, group, cfg, nowMs, lastBatchOfProducer);
            if (result == null) {
                if (log.isClosed()) {
                    return new Result(cleaned, -1, before, after);
                }
                continue; // one segment and nothing in it changed: left as it is
            }
            boolean swapped;
            try {
                hook.reached(CleanerHook.Point.SWAP_FILES_CREATED, first.baseOffset());
                swapped = log.replaceSegments(group, result,
                        () -> hook.reached(CleanerHook.Point.OLD_SEGMENT_RENAMED, first.baseOffset()));
            } catch (IOException | RuntimeException | Error e) {
                // The swap stopped part way: its files stay for the next open to finish or undo it
                // (CleanerSwapRecovery), but this copy's descriptor must not outlive the pass.
                closeAfterFailure(result, e);
                throw e;
            }
            if (!swapped) {
                result.closeAndDelete();
                return new Result(cleaned, -1, before, after);
            }
            hook.reached(CleanerHook.Point.SEGMENT_SWAPPED, first.baseOffset());
            for (LogSegment segment : group) {
                before += segment.sizeBytes();
            }
            after += result.sizeBytes();
            cleaned += group.size();
        }
        return new Result(cleaned, coveredEnd, before, after);
    }

    /**
     * Inactive segments, oldest first, that are fully below the recovery point and, when
     * {@code min.compaction.lag.ms} is set, whose newest record is at least that old.
     */
    private static List<LogSegment> cleanableSegments(PartitionLog log, TopicConfig cfg, long nowMs)
            throws IOException {
        LogSegment active = log.activeSegment();
        long durableEnd = log.recoveryPoint();
        long lagMs = cfg.minCompactionLagMs();
        List<LogSegment> range = new ArrayList<>();
        for (LogSegment segment : log.segments()) {
            if (segment == active || segment.baseOffset() >= active.baseOffset() || segment.nextOffset() > durableEnd) {
                break;
            }
            if (lagMs > 0 && nowMs - segment.largestTimestampMs() < lagMs) {
                break;
            }
            range.add(segment);
        }
        return range;
    }

    /**
     * Maps the dirty records of {@code range}; returns the offset below which every dirty record
     * is mapped (the end of the range, or the first record that no longer fit).
     */
    private long buildOffsetMap(PartitionLog log, List<LogSegment> range, long firstDirty, TopicConfig cfg)
            throws IOException {
        map.clear();
        for (int i = 0; i < range.size(); i++) {
            LogSegment segment = range.get(i);
            if (segment.nextOffset() <= firstDirty) {
                continue;
            }
            reader.begin(segment, cfg.maxMessageBytes());
            RecordBatch batch;
            while ((batch = reader.next()) != null) {
                if (batch.lastOffset() < firstDirty || batch.isControl()) {
                    continue;
                }
                cursor.reset(records(batch, segment));
                while (cursor.next()) {
                    if (cursor.offset() < firstDirty || cursor.keyLength() < 0) {
                        continue;
                    }
                    if (!map.put(cursor.buffer(), cursor.keyOffset(), cursor.keyLength(), cursor.offset())) {
                        LOG.log(System.Logger.Level.DEBUG, "{0}: offset map full ({1}) at offset {2}",
                                log.topicPartition(), map, cursor.offset());
                        return cursor.offset();
                    }
                }
            }
        }
        // Everything up to the next segment's base is mapped (a cleaned segment may end earlier).
        LogSegment last = range.get(range.size() - 1);
        Long next = null;
        for (LogSegment segment : log.segments()) {
            if (segment.baseOffset() > last.baseOffset()) {
                next = segment.baseOffset();
                break;
            }
        }
        return next != null ? next : last.nextOffset();
    }

    /** Producer id to the base offset of its last batch in the range. */
    private static Map<Long, Long> lastBatchOfEachProducer(List<LogSegment> range) throws IOException {
        Map<Long, Long> last = new HashMap<>();
        for (LogSegment segment : range) {
            segment.forEachBatchHeader(header -> {
                if (header.producerId() >= 0 && !header.isControl()) {
                    last.put(header.producerId(), header.baseOffset());
                }
            });
        }
        return last;
    }

    /**
     * Writes, fsyncs and renames to {@code .swap} the cleaned copy of {@code group} (adjacent
     * segments, oldest first), one segment with the first one's base offset. Returns null both
     * when the group is one segment in which nothing changes and when the log closed; the caller
     * tells them apart by {@link PartitionLog#isClosed()}.
     */
    private LogSegment cleanGroup(PartitionLog log, List<LogSegment> group, TopicConfig cfg, long nowMs,
                                  Map<Long, Long> lastBatchOfProducer) throws IOException {
        long baseOffset = group.get(0).baseOffset();
        LogSegment cleaned = LogSegment.createWithSuffix(log.dir(), baseOffset, SegmentFiles.CLEANED_SUFFIX,
                cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), log.fileIo(), nowMs);
        try {
            writer.startSegment(cleaned);
            long newHorizonMs = saturatedAdd(nowMs, cfg.deleteRetentionMs());
            boolean changed = group.size() > 1; // merging is a change even when every record stays
            for (LogSegment segment : group) {
                reader.begin(segment, cfg.maxMessageBytes());
                RecordBatch batch;
                while ((batch = reader.next()) != null) {
                    if (log.isClosed()) {
                        cleaned.closeAndDelete();
                        return null;
                    }
                    changed |= cleanBatch(batch, records(batch, segment), nowMs, newHorizonMs, lastBatchOfProducer);
                }
            }
            if (!changed) {
                cleaned.closeAndDelete();
                return null;
            }
            writer.flush();
            cleaned.onBecomeInactive();
            cleaned.flushAll();
            hook.reached(CleanerHook.Point.CLEANED_WRITTEN, baseOffset);
            cleaned.renameSuffix(SegmentFiles.CLEANED_SUFFIX, SegmentFiles.SWAP_SUFFIX, true);
            AtomicFiles.fsyncDirectory(log.dir());
            return cleaned;
        } catch (IOException | RuntimeException e) {
            try {
                cleaned.closeAndDelete();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The batch itself when uncompressed, else its uncompressed view (valid until the next call).
     * A compressed batch that passed its CRC but does not decompress fails the pass: the cleaner
     * must not guess which keys it held.
     */
    private RecordBatch records(RecordBatch batch, LogSegment segment) throws IOException {
        if (!batch.isCompressed() || batch.isControl()) {
            return batch;
        }
        try {
            return decompressor.decompress(batch);
        } catch (CorruptRecordException | RecordTooLargeException e) {
            throw new IOException(segment.logFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes what survives of {@code batch} ({@code records}: the batch, or its uncompressed view);
     * true when that differs from the batch.
     */
    private boolean cleanBatch(RecordBatch batch, RecordBatch records, long nowMs, long newHorizonMs,
                               Map<Long, Long> lastBatchOfProducer) throws IOException {
        if (batch.isControl()) {
            writer.copyWhole(batch); // transaction markers: kept (aborted-data removal is not done yet)
            return false;
        }
        boolean horizonPassed = batch.hasDeleteHorizon() && nowMs >= batch.baseTimestamp();
        int count = batch.recordsCount();
        if (keep.length < count) {
            keep = new boolean[Math.max(count, keep.length * 2)];
        }
        int kept = 0;
        boolean tombstoneKept = false;
        cursor.reset(records);
        for (int i = 0; cursor.next(); i++) {
            boolean survives = survives(horizonPassed);
            keep[i] = survives;
            if (survives) {
                kept++;
                tombstoneKept |= cursor.valueLength() < 0;
            }
        }
        boolean needsHorizon = tombstoneKept && !batch.hasDeleteHorizon();
        if (kept == count && !needsHorizon) {
            writer.copyWhole(batch);
            return false;
        }
        boolean producerLast = batch.producerId() >= 0
                && lastBatchOfProducer.getOrDefault(batch.producerId(), -1L) == batch.baseOffset();
        if (kept == 0 && !producerLast) {
            return true;
        }
        writer.begin(records, needsHorizon ? newHorizonMs : CleanedBatchWriter.KEEP_TIMESTAMPS,
                batch.compressionId());
        cursor.reset(records);
        for (int i = 0; cursor.next(); i++) {
            if (keep[i]) {
                writer.retain(cursor);
            }
        }
        writer.finish();
        return true;
    }

    /** Whether the cursor's record stays: the latest for its key, and not an expired tombstone. */
    private boolean survives(boolean horizonPassed) {
        if (cursor.keyLength() < 0) {
            return true; // written before the topic became compacted: nothing to compare it with
        }
        long latest = map.get(cursor.buffer(), cursor.keyOffset(), cursor.keyLength());
        if (latest > cursor.offset()) {
            return false;
        }
        return !(cursor.valueLength() < 0 && horizonPassed);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static void closeAfterFailure(LogSegment segment, Throwable failure) {
        try {
            segment.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
