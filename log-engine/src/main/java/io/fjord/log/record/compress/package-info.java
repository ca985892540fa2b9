/**
 * Kafka's record-batch codecs (gzip, snappy, lz4, zstd), byte-compatible with Kafka's producers
 * and consumers: {@link io.fjord.log.record.compress.CompressionCodec} per codec,
 * {@link io.fjord.log.record.compress.BatchDecompressor} for an uncompressed view of a compressed
 * batch that the record flyweights walk unchanged,
 * {@link io.fjord.log.record.compress.RecordsCompressor} to compress rebuilt records again, and
 * {@link io.fjord.log.record.compress.BatchRecompressor} to store a batch in its topic's
 * {@code compression.type}.
 *
 * <p>Users: compacted topics (their append checks keys and the cleaner rewrites records) and
 * topics whose {@code compression.type} is a codec (a batch in another codec is rewritten on
 * append). Every other path stores and serves compressed batches as the bytes they arrived as.
 */
package io.fjord.log.record.compress;
