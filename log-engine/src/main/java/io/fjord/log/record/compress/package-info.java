/**
 * Kafka's record-batch codecs (gzip, snappy, lz4, zstd), byte-compatible with Kafka's producers
 * and consumers: {@link io.fjord.log.record.compress.CompressionCodec} per codec,
 * {@link io.fjord.log.record.compress.CompressedRecordCursor} to walk a compressed batch's records
 * as they decompress (the append path checks every produced batch with it, never materialising
 * one), {@link io.fjord.log.record.compress.BatchDecompressor} for an uncompressed view of a
 * compressed batch that the record flyweights walk unchanged (the cleaner), and
 * {@link io.fjord.log.record.compress.RecordsCompressor} to compress rebuilt records again.
 *
 * <p>Stored batches are served as the bytes they arrived as; only the cleaner rewrites records.
 */
package io.fjord.log.record.compress;
