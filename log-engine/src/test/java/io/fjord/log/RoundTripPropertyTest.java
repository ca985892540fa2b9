package io.fjord.log;

import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordHeader;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random records in random batches over many small segments: read back from every offset, after
 * a clean restart and after an unclean one, they are exactly what was appended.
 */
class RoundTripPropertyTest {
    @TempDir
    Path dir;

    private record Expected(long timestamp, byte[] key, byte[] value, RecordHeader[] headers) {
    }

    private record Actual(long offset, long timestamp, byte[] key, byte[] value, List<String> headerKeys,
                          List<byte[]> headerValues) {
    }

    @Test
    void randomRecordsReadBackFromEveryOffset() throws IOException {
        for (int round = 0; round < 3; round++) {
            long seed = TestSeeds.seed("randomRecordsReadBackFromEveryOffset round " + round);
            Path roundDir = dir.resolve("round-" + round);
            runRound(new Random(seed), roundDir, seed);
        }
    }

    private void runRound(Random random, Path roundDir, long seed) throws IOException {
        Map<String, String> configs = Map.of(
                "segment.bytes", Integer.toString(24 * 1024 + random.nextInt(16 * 1024)),
                "index.interval.bytes", Integer.toString(random.nextInt(1024)));
        List<Expected> expected = new ArrayList<>();
        try (LogEngine engine = LogEngine.open(roundDir)) {
            engine.createTopic("t", 1, TopicConfig.of(configs));
            Partition p = engine.partition("t", 0);
            int batches = 150 + random.nextInt(150);
            for (int b = 0; b < batches; b++) {
                RecordBatchBuilder builder = new RecordBatchBuilder(256);
                int records = 1 + random.nextInt(random.nextBoolean() ? 3 : 30);
                for (int r = 0; r < records; r++) {
                    Expected record = randomRecord(random);
                    builder.append(record.timestamp(), record.key(), record.value(), record.headers());
                    expected.add(record);
                }
                ByteBuffer built = builder.build();
                ByteBuffer copy = ByteBuffer.allocate(built.remaining()).put(built).flip();
                assertEquals(expected.size() - records, p.appendBatch(copy), "seed " + seed);
            }
            verify(p, expected, seed, "live");
        }
        try (LogEngine engine = LogEngine.open(roundDir)) {
            verify(engine.partition("t", 0), expected, seed, "after a clean restart");
        }
        Files.delete(roundDir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
        Files.delete(roundDir.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT));
        try (LogEngine engine = LogEngine.open(roundDir)) {
            verify(engine.partition("t", 0), expected, seed, "after a full recovery");
        }
    }

    private static Expected randomRecord(Random random) {
        byte[] key = random.nextInt(5) == 0 ? null : randomBytes(random, random.nextInt(40));
        byte[] value = random.nextInt(10) == 0 ? null : randomBytes(random, random.nextInt(random.nextBoolean() ? 50 : 600));
        RecordHeader[] headers = new RecordHeader[random.nextInt(3)];
        for (int h = 0; h < headers.length; h++) {
            headers[h] = new RecordHeader("h" + random.nextInt(100), random.nextBoolean() ? null : randomBytes(random, 8));
        }
        return new Expected(1_600_000_000_000L + random.nextInt(1_000_000), key, value, headers);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void verify(Partition p, List<Expected> expected, long seed, String when) {
        assertEquals(expected.size(), p.latestOffset(), when + ", seed " + seed);
        List<Actual> all = readFrom(p.reader(0), Integer.MAX_VALUE);
        assertEquals(expected.size(), all.size(), when + ", seed " + seed);
        for (int i = 0; i < all.size(); i++) {
            assertSame(expected.get(i), all.get(i), i, when + ", seed " + seed);
        }
        // Every start offset, including those in the middle of a batch, yields that record first.
        for (int offset = 0; offset < expected.size(); offset++) {
            List<Actual> first = readFrom(p.reader(offset), 1);
            assertEquals(1, first.size(), "offset " + offset + ", " + when + ", seed " + seed);
            assertSame(expected.get(offset), first.get(0), offset, when + ", seed " + seed);
        }
    }

    private static List<Actual> readFrom(LogReader fresh, int max) {
        List<Actual> out = new ArrayList<>();
        try (LogReader reader = fresh) {
            while (out.size() < max && reader.poll(cursor -> {
                List<String> keys = new ArrayList<>();
                List<byte[]> values = new ArrayList<>();
                while (cursor.nextHeader()) {
                    keys.add(cursor.headerKey());
                    values.add(cursor.headerValue());
                }
                out.add(new Actual(cursor.offset(), cursor.timestamp(), cursor.keyBytes(), cursor.valueBytes(), keys,
                        values));
            }, max - out.size()) > 0) {
                // keep reading
            }
        }
        return out;
    }

    private static void assertSame(Expected expected, Actual actual, long offset, String context) {
        assertEquals(offset, actual.offset(), context);
        assertEquals(expected.timestamp(), actual.timestamp(), context);
        assertArrayEquals(expected.key(), actual.key(), "key at " + offset + ", " + context);
        assertArrayEquals(expected.value(), actual.value(), "value at " + offset + ", " + context);
        assertEquals(expected.headers().length, actual.headerKeys().size(), context);
        for (int h = 0; h < expected.headers().length; h++) {
            assertEquals(expected.headers()[h].key(), actual.headerKeys().get(h), context);
            assertArrayEquals(expected.headers()[h].value(), actual.headerValues().get(h), context);
        }
        assertEquals(true, Arrays.equals(expected.key(), actual.key()), context);
    }
}
