package io.fjord.log.record.compress;

import io.fjord.log.RecordTooLargeException;
import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordCursor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.fjord.log.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.fjord.log.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.fjord.log.record.RecordBatchDescriptor.COMPRESSION_CODEC_MASK;
import static io.fjord.log.record.RecordBatchDescriptor.COMPRESSION_NONE;
import static io.fjord.log.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.fjord.log.record.RecordBatchDescriptor.LOG_OVERHEAD;

/**
 * Rewrites the batches of an append into a topic's codec ({@code compression.type} other than
 * {@code producer}), as Kafka's LogValidator does when the producer's codec is not the topic's:
 * <pre>
 *   per batch in another codec:  decompress (bounded) | walk its records | compress them in the
 *                                topic's codec at its level | the batch's own header with the new
 *                                codec bits and batchLength | CRC-32C over the new bytes
 * </pre>
 * The records themselves are not re-encoded: a v2 record's bytes do not depend on the codec of its
 * batch, so offset deltas, timestamps, keys, values and headers come out exactly as the producer
 * wrote them, and so do the header's offsets, producer id, epoch, sequence, timestamps and
 * transactional bit (idempotent producers see their sequences unchanged). Walking the records
 * before compressing them keeps a malformed batch out of the log in any codec.
 *
 * <p>Batches already in the topic's codec and control batches (the broker's own transaction
 * markers, never compressed) are copied as they are; a caller first asks {@link #needed} so an
 * append that needs no rewrite costs only a walk of the batch headers and keeps its buffer.
 *
 * <p>Memory: the decompressed records of one batch are bounded by {@code maxDecompressedBytes}
 * (the engine's {@code maxDecompressedBatchBytes}), a rewritten batch by the caller's
 * {@code maxBatchBytes} ({@code max.message.bytes}); the buffers are reused and grow to the
 * largest append rewritten. They belong to a thread, not to a partition ({@link #forThisThread}):
 * a broker with thousands of recompressing partitions holds one set per writer thread.
 * Not thread-safe.
 */
public final class BatchRecompressor {
    private static final int INITIAL_BYTES = 64 * 1024;
    private static final ThreadLocal<BatchRecompressor> PER_THREAD = new ThreadLocal<>();

    private final BatchDecompressor decompressor;
    private final RecordsCompressor compressor = new RecordsCompressor();
    private final RecordBatch batch = new RecordBatch();
    private final RecordBatch rewritten = new RecordBatch();
    private final RecordCursor cursor = new RecordCursor();
    private ByteBuffer out = ByteBuffer.allocate(0);

    public BatchRecompressor(int maxDecompressedBytes) {
        this.decompressor = new BatchDecompressor(maxDecompressedBytes);
    }

    /**
     * The calling thread's recompressor with this bound (a partition writer's: every partition it
     * writes shares it). The result of {@link #recompress} stays valid until this thread's next call.
     */
    public static BatchRecompressor forThisThread(int maxDecompressedBytes) {
        BatchRecompressor recompressor = PER_THREAD.get();
        if (recompressor == null || recompressor.decompressor.maxDecompressedBytes() != maxDecompressedBytes) {
            recompressor = new BatchRecompressor(maxDecompressedBytes);
            PER_THREAD.set(recompressor);
        }
        return recompressor;
    }

    /**
     * Whether a batch of {@code [start, end)} (already validated) is in another codec than
     * {@code targetCodecId} and is not a control batch. Reads the batch headers only.
     */
    public boolean needed(ByteBuffer records, int start, int end, int targetCodecId) {
        for (int offset = start; offset < end; offset += batch.sizeInBytes()) {
            batch.wrap(records, offset);
            if (batch.compressionId() != targetCodecId && !batch.isControl()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The batches of {@code [start, end)} of {@code records} (each already validated: length,
     * magic, count, CRC), every non-control one in {@code targetCodecId} at {@code level}. The
     * result spans {@code [0, limit)} of a buffer this instance reuses: valid until the next call.
     *
     * @throws CorruptRecordException  when a batch does not decompress or its records are malformed
     * @throws RecordTooLargeException when a batch decompresses to more than {@code maxDecompressedBytes}
     *                                 or is larger than {@code maxBatchBytes} in the new codec
     */
    public ByteBuffer recompress(ByteBuffer records, int start, int end, int targetCodecId, int level,
                                 int maxBatchBytes) {
        int written = 0;
        out.clear(); // the last result's limit
        for (int offset = start; offset < end; offset += batch.sizeInBytes()) {
            batch.wrap(records, offset);
            int size = batch.sizeInBytes();
            if (batch.compressionId() == targetCodecId || batch.isControl()) {
                ensureCapacity(written + size);
                out.put(written, records, offset, size);
                written += size;
            } else {
                written = rewrite(written, offset - start, targetCodecId, level, maxBatchBytes);
            }
        }
        return out.clear().limit(written);
    }

    /** Appends the current batch in the target codec at {@code written}; returns the new end. */
    private int rewrite(int written, int batchStart, int targetCodecId, int level, int maxBatchBytes) {
        RecordBatch plain = batch.compressionId() == COMPRESSION_NONE ? batch : decompressor.decompress(batch);
        walkRecords(plain, batchStart);
        ByteBuffer from = plain.buffer();
        int recordsStart = plain.offset() + HEADER_SIZE;
        int recordsEnd = plain.offset() + plain.sizeInBytes();
        int size;
        if (targetCodecId == COMPRESSION_NONE) {
            size = HEADER_SIZE + recordsEnd - recordsStart;
            checkSize(size, batchStart, targetCodecId, maxBatchBytes);
            ensureCapacity(written + size);
            out.put(written + HEADER_SIZE, from, recordsStart, recordsEnd - recordsStart);
        } else {
            CompressionCodec codec = CompressionCodecs.of(targetCodecId);
            ExposedByteArrayOutputStream compressed;
            try {
                compressed = compressor.compress(codec, level, from, recordsStart, recordsEnd);
            } catch (IOException e) {
                // Compressing into memory fails only through the codec itself.
                throw new IllegalStateException(codec.name() + " failed to compress a batch: " + e, e);
            }
            size = HEADER_SIZE + compressed.size();
            checkSize(size, batchStart, targetCodecId, maxBatchBytes);
            ensureCapacity(written + size);
            out.put(written + HEADER_SIZE, compressed.array(), 0, compressed.size());
        }
        // The header comes from the batch as it arrived (the decompressed view patched its length
        // and codec bits), then gets the new codec, length and CRC.
        out.put(written, batch.buffer(), batch.offset(), HEADER_SIZE);
        int attributes = (batch.attributes() & ~COMPRESSION_CODEC_MASK) | targetCodecId;
        out.putShort(written + ATTRIBUTES_OFFSET, (short) attributes);
        out.putInt(written + BATCH_LENGTH_OFFSET, size - LOG_OVERHEAD);
        rewritten.wrap(out, written).updateCrc();
        return written + size;
    }

    /** The records must be as many as the header says, with offset deltas 0, 1, 2, ... */
    private void walkRecords(RecordBatch plain, int batchStart) {
        cursor.reset(plain);
        int expectedDelta = 0;
        while (cursor.next()) {
            if (cursor.offsetDelta() != expectedDelta) {
                throw new CorruptRecordException("batch at byte " + batchStart + " has offset delta "
                        + cursor.offsetDelta() + " where " + expectedDelta + " belongs");
            }
            expectedDelta++;
        }
    }

    private void checkSize(int size, int batchStart, int targetCodecId, int maxBatchBytes) {
        if (size > maxBatchBytes) {
            throw new RecordTooLargeException("batch at byte " + batchStart + " is " + size + " bytes once "
                    + (targetCodecId == COMPRESSION_NONE ? "uncompressed" : "recompressed with "
                    + RecordBatchDescriptor.compressionName(targetCodecId))
                    + " for the topic's compression.type, over the limit of " + maxBatchBytes + " bytes");
        }
    }

    private void ensureCapacity(int wanted) {
        if (out.capacity() >= wanted) {
            return;
        }
        int capacity = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(wanted, Math.max(INITIAL_BYTES,
                (long) out.capacity() * 2)));
        ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.BIG_ENDIAN);
        grown.put(0, out.clear(), 0, out.capacity());
        out = grown;
    }
}
