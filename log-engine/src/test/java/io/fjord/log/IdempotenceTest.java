package io.fjord.log;

import io.fjord.log.record.RecordBatchBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotent producers: duplicates answered with the original offsets, gaps and zombies refused. */
class IdempotenceTest {
    @TempDir
    Path dir;

    private static ByteBuffer batch(long producerId, short epoch, int firstSequence, int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256).producer(producerId, epoch, firstSequence);
        for (int i = 0; i < records; i++) {
            builder.append(1000L, null, bytes("p" + producerId + "-s" + (firstSequence + i)));
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    @Test
    void retriedBatchesAreNotStoredTwice() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            long producer = engine.allocateProducerId();
            assertEquals(0, p.appendBatch(batch(producer, (short) 0, 0, 3)));
            assertEquals(3, p.appendBatch(batch(producer, (short) 0, 3, 2)));
            // the first batch again, e.g. after a lost acknowledgement
            assertEquals(0, p.appendBatch(batch(producer, (short) 0, 0, 3)));
            assertEquals(3, p.appendBatch(batch(producer, (short) 0, 3, 2)));
            assertEquals(5, p.latestOffset());
            assertThrows(OutOfOrderSequenceException.class, () -> p.appendBatch(batch(producer, (short) 0, 7, 1)));
            assertEquals(5, p.appendBatch(batch(producer, (short) 0, 5, 1)));
            // a bumped epoch restarts at sequence 0; the old epoch is fenced
            assertThrows(OutOfOrderSequenceException.class, () -> p.appendBatch(batch(producer, (short) 1, 6, 1)));
            assertEquals(6, p.appendBatch(batch(producer, (short) 1, 0, 1)));
            assertThrows(InvalidProducerEpochException.class, () -> p.appendBatch(batch(producer, (short) 0, 6, 1)));
            assertEquals(7, p.latestOffset());
            assertEquals(7, TestRecords.readAll(p, 0).size());
        }
    }

    @Test
    void duplicatesAreRecognisedAfterCleanAndUncleanRestarts() throws Exception {
        long producer;
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1);
            producer = engine.allocateProducerId();
            Partition p = engine.partition("t", 0);
            for (int i = 0; i < 8; i++) {
                p.appendBatch(batch(producer, (short) 2, i * 2, 2));
            }
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertEquals(14, p.appendBatch(batch(producer, (short) 2, 14, 2)), "the last of the five kept batches");
            assertEquals(16, p.latestOffset());
            assertThrows(OutOfOrderSequenceException.class, () -> p.appendBatch(batch(producer, (short) 2, 20, 1)));
        }
        Files.delete(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
        try (LogEngine engine = LogEngine.open(dir)) {
            Partition p = engine.partition("t", 0);
            assertEquals(12, p.appendBatch(batch(producer, (short) 2, 12, 2)));
            assertEquals(16, p.appendBatch(batch(producer, (short) 2, 16, 1)));
            assertEquals(17, p.latestOffset());
        }
    }

    @Test
    void anIdempotentBatchMustComeAlone() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1);
            ByteBuffer first = batch(1, (short) 0, 0, 1);
            ByteBuffer second = batch(1, (short) 0, 1, 1);
            ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second).flip();
            assertThrows(InvalidRecordException.class, () -> engine.partition("t", 0).appendBatch(both));
        }
    }

    @Test
    void producerIdsNeverRepeatAcrossRestarts() {
        Set<Long> seen = new HashSet<>();
        for (int restart = 0; restart < 3; restart++) {
            try (LogEngine engine = LogEngine.open(dir)) {
                for (int i = 0; i < 1500; i++) {
                    assertTrue(seen.add(engine.allocateProducerId()), "repeated id after restart " + restart);
                }
            }
        }
    }
}
