package io.fjord.log.record.compress;

import io.fjord.log.record.RecordBatchDescriptor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The LZ4 frame format (lz4's {@code lz4_Frame_format.md}) with the options Kafka's own
 * {@code Lz4BlockOutputStream} uses, so Kafka's reader and ours agree byte for byte:
 * <pre>
 *   magic 0x184D2204 (LE) | FLG: version 01, independent blocks, no block checksum, no content
 *   size, no content checksum | BD: 64 KiB max block | HC: (xxHash32(FLG, BD) >> 8) & 0xFF |
 *   blocks: int32 LE size (high bit = stored uncompressed), data | end mark int32 0
 * </pre>
 * Kafka's reader accepts only version 01 and checks HC (for v2 batches); lz4-java writes the same
 * header when asked for exactly these options. Reading ({@link PooledLz4FrameInputStream}, which
 * reuses its block buffers) accepts what Kafka's reader accepts. The broken HC of
 * Kafka's pre-0.10 clients only occurs in magic 0 batches, which never reach this codec.
 */
final class Lz4Codec implements CompressionCodec {
    /** Kafka's default {@code compression.lz4.level}; at it Kafka uses lz4's fast compressor, else LZ4-HC. */
    static final int DEFAULT_LEVEL = 9;

    @Override
    public int id() {
        return RecordBatchDescriptor.COMPRESSION_LZ4;
    }

    @Override
    public String name() {
        return "lz4";
    }

    @Override
    public InputStream decompressing(InputStream compressed) throws IOException {
        return new PooledLz4FrameInputStream(compressed);
    }

    @Override
    public int defaultLevel() {
        return DEFAULT_LEVEL;
    }

    @Override
    public OutputStream compressing(OutputStream out, int level) throws IOException {
        LZ4Factory factory = LZ4Factory.fastestInstance();
        return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, -1L,
                level == DEFAULT_LEVEL ? factory.fastCompressor() : factory.highCompressor(level),
                XXHashFactory.fastestInstance().hash32(), LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
    }
}
