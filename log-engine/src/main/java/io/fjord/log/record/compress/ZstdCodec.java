package io.fjord.log.record.compress;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStream;
import io.fjord.log.record.RecordBatchDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** zstd frames (RFC 8878) through zstd-jni; level 3 is Kafka's default {@code compression.zstd.level}. */
final class ZstdCodec implements CompressionCodec {
    static final int DEFAULT_LEVEL = 3;

    @Override
    public int id() {
        return RecordBatchDescriptor.COMPRESSION_ZSTD;
    }

    @Override
    public String name() {
        return "zstd";
    }

    @Override
    public InputStream decompressing(InputStream compressed) throws IOException {
        // Pooled input buffers (zstd-jni's RecyclingBufferPool, as Kafka's ZstdFactory uses): an unpooled stream
        // allocates its ~128 KiB buffer per batch, which the produce path's validation would pay on every batch.
        // No finalizer: every caller closes the stream.
        return new ZstdInputStreamNoFinalizer(compressed, RecyclingBufferPool.INSTANCE);
    }

    @Override
    public int defaultLevel() {
        return DEFAULT_LEVEL;
    }

    @Override
    public OutputStream compressing(OutputStream out, int level) throws IOException {
        return new ZstdOutputStream(out, level);
    }
}
