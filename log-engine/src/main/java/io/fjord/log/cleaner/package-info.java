/**
 * Log compaction ({@code cleanup.policy=compact}): keeps the last record of every key.
 *
 * <p>{@link io.fjord.log.cleaner.LogCleaner} picks logs by dirty ratio and runs a
 * {@link io.fjord.log.cleaner.CleaningPass} per log: build a bounded key to latest-offset map of
 * the dirty inactive segments, rewrite each inactive segment into {@code <base>.log.cleaned} with
 * only the surviving records at their original offsets, fsync, rename to {@code .swap}, and swap
 * it into the partition ({@link io.fjord.log.partition.PartitionLog#replaceSegments}); the old
 * segment is retired after {@code file.delete.delay.ms} so readers holding it finish safely.
 * A crash at any point is completed or rolled back when the partition opens (see
 * {@code io.fjord.log.partition.CleanerSwapRecovery}).
 *
 * <p>Rules carried over from Kafka, with its on-disk format:
 * <ul>
 *   <li><b>Delete horizon.</b> The first pass that keeps a tombstone stamps its batch with
 *       attributes bit 6 and {@code baseTimestamp = now + delete.retention.ms} (Kafka 3.x); a
 *       later pass at or after that time drops the tombstone. So a tombstone stays readable for
 *       at least {@code delete.retention.ms} after compaction first saw it.</li>
 *   <li><b>Producer state.</b> The last batch of each producer id in the cleaned range is kept,
 *       with an unchanged header even when all its records go (an empty batch), so the producer
 *       state rebuilt from the log after a restart still recognises that producer's retries.</li>
 *   <li><b>Compressed batches.</b> Read through their uncompressed view
 *       ({@link io.fjord.log.record.compress.BatchDecompressor}); a rebuilt batch is compressed
 *       again with its own codec (gzip, snappy, lz4, zstd: {@link io.fjord.log.record.compress}),
 *       except an emptied one, written as an empty uncompressed header as Kafka does. The append
 *       of a compacted topic decompresses each compressed batch to check that every record has a
 *       key; decompressed size is bounded by the engine's {@code maxDecompressedBatchBytes}.</li>
 *   <li><b>Offsets.</b> Rebuilt batches keep their base offset and {@code lastOffsetDelta};
 *       records keep their offset deltas. Stored batches may therefore have fewer records than
 *       their offset range ({@link io.fjord.log.record.RecordBatch#validateStored}).</li>
 * </ul>
 *
 * <p>Small segments: adjacent segments that fit one segment together ({@code segment.bytes},
 * {@code segment.index.bytes}, a 32-bit relative offset range) are rewritten into one, through
 * the same swap (a {@code .swap} whose offset range covers other live segments replaces them on
 * recovery). Grouping uses sizes before cleaning, so what one pass shrinks merges in the next.
 *
 * <p>Not done yet: removal of aborted transactional data and of transaction markers.
 */
package io.fjord.log.cleaner;
