package io.fjord.log.record;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.fjord.testsupport.TestSeeds;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;

/**
 * Random records -> RecordBatchBuilder -> parsed by Fjord's cursor and by Kafka -> equal to what went in.
 * The seed is printed; rerun a failure with {@code -Dfjord.test.seed=<seed>}.
 */
class RecordBatchPropertyTest {
    private static final int BATCHES = 300;
    private static final int MAX_RECORDS = 40;
    private static final int MAX_FIELD_BYTES = 2000;

    @Test
    void randomBatchesRoundTrip() {
        long seed = TestSeeds.seed();
        SplittableRandom random = new SplittableRandom(seed);
        RecordBatchBuilder builder = new RecordBatchBuilder(16); // small on purpose: exercises growth
        RecordBatch batch = new RecordBatch();
        for (int n = 0; n < BATCHES; n++) {
            String context = "seed " + seed + " (-D" + TestSeeds.SEED_PROPERTY + "=" + seed + "), batch " + n;
            builder.reset();
            long baseOffset = random.nextLong(0, 1L << 50);
            builder.baseOffset(baseOffset);
            boolean idempotent = random.nextBoolean();
            if (idempotent) {
                builder.producer(random.nextLong(0, Long.MAX_VALUE), (short) random.nextInt(Short.MAX_VALUE),
                    random.nextInt(0, Integer.MAX_VALUE));
                builder.transactional(random.nextBoolean());
            }
            int count = 1 + random.nextInt(MAX_RECORDS);
            long baseTs = random.nextLong(0, 1L << 42);
            List<Recs.Rec> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long ts = baseTs + random.nextLong(-1_000_000, 1_000_000);
                byte[] key = randomBytes(random);
                byte[] value = randomBytes(random);
                int headerCount = random.nextInt(4) == 0 ? random.nextInt(5) : 0;
                RecordHeader[] headers = new RecordHeader[headerCount];
                List<Recs.Hdr> expectedHeaders = new ArrayList<>();
                for (int h = 0; h < headerCount; h++) {
                    String hk = randomKey(random);
                    byte[] hv = randomBytes(random);
                    headers[h] = new RecordHeader(hk, hv);
                    expectedHeaders.add(new Recs.Hdr(hk, hv));
                }
                if (headerCount == 0 && random.nextBoolean()) {
                    builder.append(ts, key == null ? null : ByteBuffer.wrap(key),
                        value == null ? null : ByteBuffer.wrap(value));
                } else {
                    builder.append(ts, key, value, headers);
                }
                expected.add(new Recs.Rec(baseOffset + i, ts, key, value, expectedHeaders));
            }
            assertEquals(count, builder.recordCount(), context);
            ByteBuffer built = builder.build();
            assertEquals(builder.estimatedSizeInBytes(), built.limit(), context);

            batch.wrap(built, 0);
            assertEquals(BatchValidation.VALID, batch.validate(built.limit(), Integer.MAX_VALUE), context);
            assertEquals(baseOffset + count - 1, batch.lastOffset(), context);
            assertEquals(Recs.render(expected), Recs.render(Recs.readFjord(batch)), context);

            MutableRecordBatch kafka = MemoryRecords.readableRecords(built.duplicate()).batches().iterator().next();
            assertTrue(kafka.isValid(), context);
            KafkaInteropTest.assertHeaderEquals(kafka, batch);
            assertEquals(Recs.render(expected), Recs.render(Recs.readKafka(kafka)), context);
        }
    }

    private static byte[] randomBytes(SplittableRandom random) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        // Mostly small, sometimes up to the maximum, so both 1- and 2-byte length varints appear.
        int size = random.nextInt(3) == 0 ? random.nextInt(MAX_FIELD_BYTES + 1) : random.nextInt(20);
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String randomKey(SplittableRandom random) {
        int length = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            // Includes 2- and 3-byte UTF-8 characters so byte length != char length.
            sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x80, 0x2000) : (char) random.nextInt('a', 'z' + 1));
        }
        return sb.toString();
    }
}
