package io.fjord.log.record.compress;

import io.fjord.log.record.RecordBatchDescriptor;

/** The codec for a batch's compression id. Thread-safe: the codecs are stateless singletons. */
public final class CompressionCodecs {
    private static final CompressionCodec[] BY_ID = {
        null, new GzipCodec(), new SnappyCodec(), new Lz4Codec(), new ZstdCodec()
    };

    private CompressionCodecs() {
    }

    /**
     * The codec of {@code compressionId} (attributes bits 0-2).
     *
     * @throws IllegalArgumentException for {@code none} (nothing to decode) or an id Kafka does not define (5-7)
     */
    public static CompressionCodec of(int compressionId) {
        if (compressionId <= RecordBatchDescriptor.COMPRESSION_NONE || compressionId >= BY_ID.length) {
            throw new IllegalArgumentException("no codec for compression id " + compressionId + " ("
                    + RecordBatchDescriptor.compressionName(compressionId) + ")");
        }
        return BY_ID[compressionId];
    }
}
