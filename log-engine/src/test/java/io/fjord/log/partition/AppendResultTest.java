package io.fjord.log.partition;

import io.fjord.log.OutOfOrderSequenceException;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.record.RecordBatchBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link PartitionLog#append} returns: one value for new batches, for retries, and nothing left behind. */
class AppendResultTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long PRODUCER = 42;

    @TempDir
    Path dir;

    private static ByteBuffer batch(long producerId, int firstSequence, int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        if (producerId >= 0) {
            builder.producer(producerId, (short) 0, firstSequence);
        }
        for (int i = 0; i < records; i++) {
            builder.append(1_000L, null, ("v" + (firstSequence + i)).getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    private static void assertResult(long base, long last, int bytes, boolean duplicate, AppendResult result) {
        assertEquals(base + "-" + last + " " + bytes + " bytes" + (duplicate ? " duplicate" : ""),
                result.baseOffset() + "-" + result.lastOffset() + " " + result.appendedBytes() + " bytes"
                        + (result.duplicate() ? " duplicate" : ""));
    }

    private PartitionLog open(boolean cleanShutdown) throws IOException {
        return PartitionLog.open(dir.resolve(TP.directoryName()), TP, TopicConfig.defaults(), 0, 0, cleanShutdown,
                FileIo.DEFAULT, MillisClock.SYSTEM, (segment, delayMs) -> { });
    }

    @Test
    void anAppendReturnsTheOffsetsAndBytesItWrote() throws IOException {
        try (PartitionLog log = open(true)) {
            ByteBuffer first = batch(-1, 0, 3);
            int firstBytes = first.remaining();
            AppendResult a = log.append(first, 0);
            assertResult(0, 2, firstBytes, false, a);
            assertEquals(3, a.offsetCount());

            ByteBuffer second = batch(-1, 3, 2);
            int secondBytes = second.remaining();
            AppendResult b = log.append(second, 0);
            assertResult(3, 4, secondBytes, false, b);
            assertSame(a, b, "the writer's result is reused: no allocation per append");
            assertEquals(5, log.logEndOffset());
        }
    }

    @Test
    void aRetriedBatchIsADuplicateWithItsOriginalOffsetsAndWritesNothing() throws IOException {
        try (PartitionLog log = open(true)) {
            log.append(batch(-1, 0, 4), 0); // offsets 0..3 from another writer
            ByteBuffer originalBatch = batch(PRODUCER, 0, 3);
            int originalBytes = originalBatch.remaining();
            assertResult(4, 6, originalBytes, false, log.append(originalBatch, 0));
            assertEquals(7, log.append(batch(PRODUCER, 3, 2), 0).baseOffset());
            long sizeBefore = log.sizeBytes();

            AppendResult retry = log.append(batch(PRODUCER, 0, 3), 0);
            assertTrue(retry.duplicate());
            assertResult(4, 6, 0, true, retry); // the first append's offsets, nothing written
            assertResult(7, 8, 0, true, log.append(batch(PRODUCER, 3, 2), 0));
            assertEquals(9, log.logEndOffset());
            assertEquals(sizeBefore, log.sizeBytes());

            // The next new batch is not mistaken for one: the reused result keeps nothing of the retry.
            AppendResult after = log.append(batch(PRODUCER, 5, 1), 0);
            assertFalse(after.duplicate());
            assertEquals(9, after.baseOffset());
            assertEquals(9, after.lastOffset());
            assertThrows(OutOfOrderSequenceException.class, () -> log.append(batch(PRODUCER, 9, 1), 0));
        }
    }

    @Test
    void aRetryIsRecognisedAfterAnUncleanReopen() throws IOException {
        try (PartitionLog log = open(true)) {
            log.append(batch(PRODUCER, 0, 2), 0);
        }
        try (PartitionLog log = open(false)) { // the producer state is rebuilt from the batch headers
            assertResult(0, 1, 0, true, log.append(batch(PRODUCER, 0, 2), 0));
            assertEquals(2, log.logEndOffset());
        }
    }
}
