/**
 * Kafka's record-batch codecs (gzip, snappy, lz4, zstd), byte-compatible with Kafka's producers
 * and consumers: {@link io.fjord.log.record.compress.CompressionCodec} per codec,
 * {@link io.fjord.log.record.compress.CompressedRecordCursor} to walk a compressed batch's records
 * as they decompress (the append path checks every produced batch with it, never materialising
 * one), {@link io.fjord.log.record.compress.BatchDecompressor} for an uncompressed view of a
 * compressed batch that the record flyweights walk unchanged (the cleaner, and the rewrite below),
 * {@link io.fjord.log.record.compress.RecordsCompressor} to compress rebuilt records again, and
 * {@link io.fjord.log.record.compress.BatchRecompressor} to store a batch in its topic's
 * {@code compression.type}.
 *
 * <p>Stored batches are served as the bytes they arrived as, except where the cleaner rewrites
 * records (compacted topics) or a topic's {@code compression.type} names a codec other than the
 * batch's (the partition writer rewrites the batch on append).
 */
package io.fjord.log.record.compress;
