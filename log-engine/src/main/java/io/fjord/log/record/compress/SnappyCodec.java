package io.fjord.log.record.compress;

import io.fjord.log.record.RecordBatchDescriptor;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * snappy in xerial's stream framing (a magic header, then length-prefixed snappy blocks), which
 * is what Kafka's producers write and read for {@code compression.type=snappy} (not the
 * framing of the snappy spec). Uses snappy-java's bundled native library.
 */
final class SnappyCodec implements CompressionCodec {
    @Override
    public int id() {
        return RecordBatchDescriptor.COMPRESSION_SNAPPY;
    }

    @Override
    public String name() {
        return "snappy";
    }

    @Override
    public InputStream decompressing(InputStream compressed) throws IOException {
        return new SnappyInputStream(compressed);
    }

    /** snappy has no levels. */
    @Override
    public int defaultLevel() {
        return 0;
    }

    @Override
    public OutputStream compressing(OutputStream out, int level) {
        return new SnappyOutputStream(out);
    }
}
