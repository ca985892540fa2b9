package io.fjord.log.partition;

import io.fjord.log.EngineConfig;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchBuilder;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The produce path's record checks allocate nothing per record: an uncompressed batch nothing at all, a
 * compressed one only what opening its codec stream costs, the same for 10 records as for 1,000. An allocation
 * check with the JVM's per-thread counter, not a timing assertion.
 */
class ProducedBatchValidatorAllocationTest {
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final int ITERATIONS = 2_000;

    private static ByteBuffer batch(int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(records * 64 + 128);
        for (int i = 0; i < records; i++) {
            builder.append(NOW_MS, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("value " + i + " of a batch").getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    @Test
    void validatingRecordsAllocatesNothingPerRecord() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs com.sun.management.ThreadMXBean");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "thread allocation accounting unavailable");
        ProducedBatchValidator validator = new ProducedBatchValidator(new TopicPartition("t", 0),
                EngineConfig.DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES);
        TopicConfig compacted = TopicConfig.of(java.util.Map.of(TopicConfig.CLEANUP_POLICY, "compact"));

        double plain = bytesPerBatch(threads, validator, batch(1_000), compacted);
        System.out.println("uncompressed, 1,000 records: " + plain + " bytes allocated per batch");
        assertTrue(plain < 8, "uncompressed: " + plain + " bytes per batch");

        for (String codec : new String[] {"gzip", "lz4", "zstd", "snappy"}) {
            double few = bytesPerBatch(threads, validator,
                    ProducedBatchValidationTest.compressed(codec, batch(10)), compacted);
            ByteBuffer large = batch(1_000);
            double many = bytesPerBatch(threads, validator, ProducedBatchValidationTest.compressed(codec, large),
                    compacted);
            System.out.println(codec + ": " + few + " bytes per batch of 10 records, " + many + " per batch of 1,000");
            // snappy-java reads each chunk into arrays of the chunk's sizes (no pooling hook): it allocates
            // about the batch's size per batch. Every other codec's stream costs the same for any batch size.
            double codecBuffers = codec.equals("snappy") ? 2.0 * large.remaining() : 0;
            // A single 16-byte allocation per record would add 15,840 bytes to the larger batch.
            assertTrue(many - few < 2_048 + codecBuffers,
                    codec + ": " + few + " bytes per batch of 10 but " + many + " per 1,000");
            if (codec.equals("lz4") || codec.equals("zstd")) {
                // Their block and input buffers are reused between batches (PooledLz4FrameInputStream, zstd-jni's
                // RecyclingBufferPool): without that, 128 KiB per batch.
                assertTrue(many < 1_024, codec + ": " + many + " bytes per batch");
            }
        }
    }

    private static double bytesPerBatch(com.sun.management.ThreadMXBean threads, ProducedBatchValidator validator,
                                        ByteBuffer bytes, TopicConfig config) {
        RecordBatch batch = new RecordBatch();
        for (int i = 0; i < ITERATIONS; i++) { // warm-up: the JIT compiles the walk
            validator.validate(batch.wrap(bytes, 0), 0, config, NOW_MS);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < ITERATIONS; i++) {
            validator.validate(batch.wrap(bytes, 0), 0, config, NOW_MS);
        }
        return (threads.getThreadAllocatedBytes(id) - before) / (double) ITERATIONS;
    }
}
