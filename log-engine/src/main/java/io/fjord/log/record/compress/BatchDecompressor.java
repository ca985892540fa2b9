package io.fjord.log.record.compress;

import io.fjord.log.RecordTooLargeException;
import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.RecordBatch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.fjord.log.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.fjord.log.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.fjord.log.record.RecordBatchDescriptor.COMPRESSION_CODEC_MASK;
import static io.fjord.log.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.fjord.log.record.RecordBatchDescriptor.LOG_OVERHEAD;

/**
 * Turns a compressed batch into an uncompressed <em>view</em> of it, so the flyweights that walk
 * uncompressed records ({@link io.fjord.log.record.RecordCursor}) walk its records unchanged:
 * <pre>
 *   view = the batch's 61-byte header, with the codec bits of attributes cleared and batchLength
 *          set to the decompressed size | the decompressed records section
 * </pre>
 * Everything else in the header (offsets, counts, timestamps, producer fields, the stored CRC) is
 * the batch's; the view's CRC does not match its bytes and the view is never written anywhere.
 *
 * <p>Decompressed bytes are bounded by {@code maxDecompressedBytes} (a compression ratio has no
 * limit, so the compressed size alone bounds nothing): past it the batch is refused with
 * {@link RecordTooLargeException}. The buffer grows on demand up to that bound and is reused.
 *
 * <p>Not thread-safe: one per thread (the partition writer, a cleaner thread). The returned view
 * is valid until the next call.
 */
public final class BatchDecompressor {
    private static final int INITIAL_BYTES = 64 * 1024;

    private final int maxDecompressedBytes;
    private final RecordBatch view = new RecordBatch();
    private byte[] bytes = new byte[0];
    private ByteBuffer wrapped = ByteBuffer.wrap(bytes);

    public BatchDecompressor(int maxDecompressedBytes) {
        if (maxDecompressedBytes <= 0) {
            throw new IllegalArgumentException("maxDecompressedBytes must be > 0: " + maxDecompressedBytes);
        }
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    public int maxDecompressedBytes() {
        return maxDecompressedBytes;
    }

    /**
     * The uncompressed view of {@code batch}, a compressed batch that passed
     * {@link RecordBatch#validate} (so its CRC vouches for the compressed bytes).
     *
     * @throws CorruptRecordException   when the compressed section does not decode
     * @throws RecordTooLargeException  when it decodes to more than {@code maxDecompressedBytes}
     */
    public RecordBatch decompress(RecordBatch batch) {
        CompressionCodec codec;
        try {
            codec = CompressionCodecs.of(batch.compressionId());
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException("batch at baseOffset " + batch.baseOffset() + ": " + e.getMessage());
        }
        int start = batch.offset();
        ensureCapacity(HEADER_SIZE);
        batch.buffer().get(start, bytes, 0, HEADER_SIZE);
        int length = HEADER_SIZE;
        long limit = (long) HEADER_SIZE + maxDecompressedBytes;
        InputStream compressed = new ByteBufferInputStream(batch.buffer(), start + HEADER_SIZE, start + batch.sizeInBytes());
        try (InputStream in = codec.decompressing(compressed)) {
            while (true) {
                if (length == bytes.length) {
                    if (length > limit) {
                        throw tooLarge(batch, codec);
                    }
                    ensureCapacity((int) Math.min(Math.max((long) bytes.length * 2, INITIAL_BYTES), limit + 1));
                }
                int n = in.read(bytes, length, bytes.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RecordTooLargeException tooLarge) {
                throw tooLarge;
            }
            throw new CorruptRecordException("batch at baseOffset " + batch.baseOffset() + ": its " + codec.name()
                    + " records do not decompress: " + e);
        }
        if (length > limit) {
            throw tooLarge(batch, codec);
        }
        wrapped.clear().limit(length);
        wrapped.putShort(ATTRIBUTES_OFFSET, (short) (batch.attributes() & ~COMPRESSION_CODEC_MASK));
        wrapped.putInt(BATCH_LENGTH_OFFSET, length - LOG_OVERHEAD);
        return view.wrap(wrapped, 0);
    }

    private RecordTooLargeException tooLarge(RecordBatch batch, CompressionCodec codec) {
        return new RecordTooLargeException("batch at baseOffset " + batch.baseOffset() + " (" + codec.name() + ", "
                + batch.sizeInBytes() + " bytes) decompresses to more than " + maxDecompressedBytes
                + " bytes (the limit on a decompressed batch)");
    }

    private void ensureCapacity(int wanted) {
        if (bytes.length >= wanted) {
            return;
        }
        byte[] grown = new byte[wanted];
        System.arraycopy(bytes, 0, grown, 0, bytes.length);
        bytes = grown;
        wrapped = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    }
}
