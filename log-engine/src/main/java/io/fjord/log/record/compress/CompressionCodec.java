package io.fjord.log.record.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One of Kafka's record-batch codecs (attributes bits 0-2 of a v2 batch): how the records section
 * of a compressed batch is framed and compressed, byte-compatible with what Kafka's producers
 * write and Kafka's consumers read. Implementations are stateless and thread-safe; each stream
 * they return belongs to one thread.
 */
public interface CompressionCodec {
    /** The attributes value, e.g. {@link io.fjord.log.record.RecordBatchDescriptor#COMPRESSION_GZIP}. */
    int id();

    /** Kafka's {@code compression.type} name, e.g. {@code "gzip"}. */
    String name();

    /** Reads the decompressed bytes of {@code compressed}, which holds one whole compressed records section. */
    InputStream decompressing(InputStream compressed) throws IOException;

    /**
     * Compresses what is written into {@code out} at {@code level} (a value Kafka's
     * {@code compression.<codec>.level} accepts for this codec; ignored by codecs without levels);
     * closing the returned stream ends the frame (not {@code out}'s use).
     */
    OutputStream compressing(OutputStream out, int level) throws IOException;

    /** Kafka's default level for this codec (0 for a codec without levels). */
    int defaultLevel();

    /** {@link #compressing(OutputStream, int)} at {@link #defaultLevel()}. */
    default OutputStream compressing(OutputStream out) throws IOException {
        return compressing(out, defaultLevel());
    }
}
