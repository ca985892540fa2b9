package io.fjord.log.record.compress;

import io.fjord.log.record.RecordBatchDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip (RFC 1952) through {@code java.util.zip}, as Kafka writes it: one gzip member per batch. */
final class GzipCodec implements CompressionCodec {
    /** Kafka's stream buffer; larger buys nothing for batches of a few hundred KiB. */
    private static final int BUFFER_BYTES = 8 * 1024;

    @Override
    public int id() {
        return RecordBatchDescriptor.COMPRESSION_GZIP;
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public InputStream decompressing(InputStream compressed) throws IOException {
        return new GZIPInputStream(compressed, BUFFER_BYTES);
    }

    /** Kafka's default {@code compression.gzip.level}: zlib's own default (6). */
    @Override
    public int defaultLevel() {
        return Deflater.DEFAULT_COMPRESSION;
    }

    @Override
    public OutputStream compressing(OutputStream out, int level) throws IOException {
        return new LeveledGzipOutputStream(out, level);
    }

    /** {@link GZIPOutputStream} exposes no level; its deflater is a protected field. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, BUFFER_BYTES);
            def.setLevel(level);
        }
    }
}
