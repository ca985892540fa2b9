package io.fjord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import io.fjord.log.OffsetOutOfRangeException;
import io.fjord.log.Partition;
import io.fjord.log.record.RecordBatchBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** FetchedLogReader hands out exactly what the engine's LogReader does, however polls are cut. */
@Timeout(60)
class FetchedLogReaderTest {
    @TempDir
    Path dir;
    private LogEngine engine;
    private Partition partition;

    @BeforeEach
    void open() {
        engine = LogEngine.open(dir);
        engine.createTopic("t", 1);
        partition = engine.partition("t", 0);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** Batches of random sizes; returns the record count. */
    private int appendBatches(Random random, int batches) {
        int offset = 0;
        for (int b = 0; b < batches; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder(1024);
            int records = 1 + random.nextInt(50);
            for (int r = 0; r < records; r++) {
                builder.append(1_000L + offset, null, ("v" + offset++).getBytes());
            }
            partition.appendBatch(builder.build());
        }
        return offset;
    }

    @Test
    void randomPollSizesSeeEveryRecordOnceInOrder() {
        long seed = System.nanoTime();
        System.out.println("FetchedLogReaderTest seed " + seed);
        Random random = new Random(seed);
        int records = appendBatches(random, 200);
        // A small fetch size forces refills mid-poll and batches larger than a fetch.
        FetchedLogReader reader = new FetchedLogReader(partition, 0, 512);
        List<String> seen = new ArrayList<>();
        while (seen.size() < records) {
            int got = reader.poll(cursor -> seen.add(new String(cursor.valueBytes())), 1 + random.nextInt(120));
            if (got == 0) {
                break;
            }
        }
        assertEquals(records, seen.size(), "seed " + seed);
        for (int i = 0; i < records; i++) {
            assertEquals("v" + i, seen.get(i), "seed " + seed);
        }
        assertEquals(records, reader.position());
        assertEquals(0, reader.poll(cursor -> { }, 10));
    }

    @Test
    void seekAndAFailingHandlerRedeliverFromThePosition() {
        appendBatches(new Random(1), 10);
        FetchedLogReader reader = new FetchedLogReader(partition, 0);
        reader.poll(cursor -> { }, 7);
        assertEquals(7, reader.position());
        assertThrows(IllegalStateException.class, () -> reader.poll(cursor -> {
            if (cursor.offset() == 9) {
                throw new IllegalStateException("bad record");
            }
        }, 10));
        assertEquals(9, reader.position());
        List<Long> offsets = new ArrayList<>();
        reader.poll(cursor -> offsets.add(cursor.offset()), 2);
        assertEquals(List.of(9L, 10L), offsets);
        reader.seek(3);
        offsets.clear();
        reader.poll(cursor -> offsets.add(cursor.offset()), 1);
        assertEquals(List.of(3L), offsets);
    }

    @Test
    void aPositionBelowTheLogStartIsOutOfRangeEvenWithBufferedRecords() {
        int records = appendBatches(new Random(2), 10);
        FetchedLogReader reader = new FetchedLogReader(partition, 0);
        reader.poll(cursor -> { }, 1);
        partition.deleteRecords(records / 2);
        assertThrows(OffsetOutOfRangeException.class, () -> reader.poll(cursor -> { }, 1));
    }

    @Test
    void deliversTheSameRecordsAsTheEnginesLogReader() {
        long seed = System.nanoTime();
        System.out.println("FetchedLogReaderTest seed " + seed);
        int records = appendBatches(new Random(seed), 100);
        List<Long> expected = new ArrayList<>();
        try (LogReader reader = partition.reader(5)) {
            while (reader.poll(cursor -> expected.add(cursor.offset() * 31 + cursor.timestamp()), 500) > 0) {
                // drain
            }
        }
        List<Long> actual = new ArrayList<>();
        FetchedLogReader reader = new FetchedLogReader(partition, 5);
        while (reader.poll(cursor -> actual.add(cursor.offset() * 31 + cursor.timestamp()), 500) > 0) {
            // drain
        }
        assertEquals(records - 5, actual.size(), "seed " + seed);
        assertEquals(expected, actual, "seed " + seed);
    }
}
