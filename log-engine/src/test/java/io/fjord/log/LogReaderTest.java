package io.fjord.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * LogReader keeps what it fetched across polls: however polls and fetches are cut, every record
 * comes once and in order, a seek or a failing handler re-reads from the position, and a position
 * that fell below the log start is reported even while fetched records remain.
 */
@Timeout(60)
class LogReaderTest {
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

    /** Batches of 1-50 records, values "v<offset>"; returns the record count. */
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
        long seed = TestSeeds.seed("LogReaderTest.randomPollSizesSeeEveryRecordOnceInOrder");
        Random random = new Random(seed);
        int records = appendBatches(random, 200);
        // A small fetch size forces refills mid-poll and batches larger than a fetch.
        try (LogReader reader = partition.reader(0, 512)) {
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
    }

    @Test
    void fetchSizeDoesNotChangeWhatIsDelivered() {
        long seed = TestSeeds.seed("LogReaderTest.fetchSizeDoesNotChangeWhatIsDelivered");
        int records = appendBatches(new Random(seed), 100);
        List<Long> whole = drain(partition.reader(5), 500);
        List<Long> pieces = drain(partition.reader(5, 300), 7);
        assertEquals(records - 5, whole.size(), "seed " + seed);
        assertEquals(whole, pieces, "seed " + seed);
    }

    private static List<Long> drain(LogReader fresh, int maxRecords) {
        List<Long> seen = new ArrayList<>();
        try (LogReader reader = fresh) {
            while (reader.poll(cursor -> seen.add(cursor.offset() * 31 + cursor.timestamp()), maxRecords) > 0) {
                // drain
            }
        }
        return seen;
    }

    @Test
    void seekAndAFailingHandlerRedeliverFromThePosition() {
        appendBatches(new Random(1), 10);
        try (LogReader reader = partition.reader(0)) {
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
    }

    @Test
    void aPositionBelowTheLogStartIsOutOfRangeEvenWithBufferedRecords() {
        int records = appendBatches(new Random(2), 10);
        try (LogReader reader = partition.reader(0)) {
            reader.poll(cursor -> { }, 1);
            partition.deleteRecords(records / 2);
            assertThrows(OffsetOutOfRangeException.class, () -> reader.poll(cursor -> { }, 1));
        }
    }

    @Test
    void recordsAppendedAfterAFetchAreReadByTheNextPoll() {
        appendBatches(new Random(3), 1);
        try (LogReader reader = partition.reader(0)) {
            long first = partition.latestOffset();
            while (reader.poll(cursor -> { }, 1000) > 0) {
                // drain
            }
            assertEquals(first, reader.position());
            partition.appendBatch(new RecordBatchBuilder(128).append(5L, null, "late".getBytes()).build());
            List<String> late = new ArrayList<>();
            assertEquals(1, reader.poll(cursor -> late.add(new String(cursor.valueBytes())), 10));
            assertEquals(List.of("late"), late);
        }
    }

    @Test
    void aClosedReaderRefusesToPollAndAFetchSizeMustBePositive() {
        LogReader reader = partition.reader(0);
        reader.close();
        assertThrows(IllegalStateException.class, () -> reader.poll(cursor -> { }, 1));
        assertThrows(IllegalArgumentException.class, () -> partition.reader(0, 0));
    }
}
