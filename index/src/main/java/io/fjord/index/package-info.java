/**
 * Sparse offset and time indexes of a log segment, in Kafka's on-disk formats
 * ({@code .index}, {@code .timeindex}), memory-mapped and preallocated.
 *
 * <p>Public API: {@link io.fjord.index.OffsetIndex}, {@link io.fjord.index.TimeIndex}, their
 * layout descriptors, {@link io.fjord.index.IndexFileNames} and
 * {@link io.fjord.index.CorruptIndexException}. Everything else is package-private.
 */
package io.fjord.index;
