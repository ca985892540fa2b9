package io.fjord.log.record.compress;

import io.fjord.log.record.RecordBatchDescriptor;
import org.xerial.snappy.SnappyError;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

import java.io.FilterInputStream;
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
        try {
            return new ErrorsAsIOExceptions(new SnappyInputStream(compressed));
        } catch (SnappyError e) {
            throw new IOException(e.getMessage(), e);
        }
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

    /**
     * snappy-java reports some bad input as {@link SnappyError}, an {@link Error}: turned into the
     * {@link IOException} every other codec throws, so a client's garbage is refused, not fatal.
     */
    private static final class ErrorsAsIOExceptions extends FilterInputStream {
        ErrorsAsIOExceptions(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (SnappyError e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            try {
                return super.read(into, offset, length);
            } catch (SnappyError e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
