package io.fjord.log.record.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Compresses an uncompressed records section with a batch's codec (the reverse of
 * {@link BatchDecompressor}, for the cleaner's rebuilt batches and {@link BatchRecompressor}). The
 * output buffer is reused and grows to the largest batch compressed. Not thread-safe: one per
 * cleaner thread or partition writer.
 */
public final class RecordsCompressor {
    private static final int INITIAL_BYTES = 64 * 1024;
    /** Copy unit for buffers without a backing array. */
    private static final int CHUNK_BYTES = 8 * 1024;

    private final ExposedByteArrayOutputStream out = new ExposedByteArrayOutputStream(INITIAL_BYTES);
    private byte[] chunk;

    /** Compresses {@code [from, to)} of {@code records} at the codec's default level; valid until the next call. */
    public ExposedByteArrayOutputStream compress(CompressionCodec codec, ByteBuffer records, int from, int to)
            throws IOException {
        return compress(codec, codec.defaultLevel(), records, from, to);
    }

    /** Compresses {@code [from, to)} of {@code records} at {@code level}; the result is valid until the next call. */
    public ExposedByteArrayOutputStream compress(CompressionCodec codec, int level, ByteBuffer records, int from,
                                                 int to) throws IOException {
        out.reset();
        try (OutputStream compressing = codec.compressing(out, level)) {
            if (records.hasArray()) {
                compressing.write(records.array(), records.arrayOffset() + from, to - from);
            } else {
                if (chunk == null) {
                    chunk = new byte[CHUNK_BYTES];
                }
                for (int at = from; at < to; at += CHUNK_BYTES) {
                    int n = Math.min(CHUNK_BYTES, to - at);
                    records.get(at, chunk, 0, n);
                    compressing.write(chunk, 0, n);
                }
            }
        }
        return out;
    }
}
