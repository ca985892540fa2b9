package io.fjord.jmh;

import io.fjord.log.record.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Pre-built record batches for append benchmarks.
 *
 * <p>Why the same bytes can be appended again and again: an append patches only the base offset
 * and partition leader epoch in place, and the CRC-32C does not cover either, so the batch stays
 * valid. The copy is a direct buffer because that is what a network layer hands the engine (a
 * heap buffer would add one JDK-internal copy per {@code FileChannel.write}).
 */
final class RecordBatches {
    /** A fixed timestamp: the time index then gets no new entries, as with one producer's clock. */
    static final long TIMESTAMP_MS = 1_700_000_000_000L;

    private RecordBatches() {
    }

    /** One uncompressed v2 batch of {@code records} records, null key, {@code valueBytes}-byte values. */
    static ByteBuffer directBatch(int records, int valueBytes) {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'x');
        RecordBatchBuilder builder = new RecordBatchBuilder(records * (valueBytes + 16) + 64);
        for (int i = 0; i < records; i++) {
            builder.append(TIMESTAMP_MS, null, value);
        }
        ByteBuffer heap = builder.build();
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining()).order(ByteOrder.BIG_ENDIAN);
        direct.put(heap).flip();
        return direct;
    }
}
