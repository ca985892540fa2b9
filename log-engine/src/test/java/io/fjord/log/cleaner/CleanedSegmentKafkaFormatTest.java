package io.fjord.log.cleaner;

import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.PartitionLogs;
import io.fjord.log.TestRecords;
import io.fjord.log.segment.LogSegment;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cleaned segments stay in Kafka's format: Kafka's own record classes parse them, CRCs hold,
 * offsets with gaps, emptied producer batches and the delete horizon read as Kafka writes them.
 */
class CleanedSegmentKafkaFormatTest {
    @TempDir
    Path dir;

    @Test
    void kafkaReadsCleanedSegments() throws Exception {
        AtomicLong now = new AtomicLong(10_000_000);
        try (LogEngine engine = LogEngine.open(CompactionTest.engineConfig(dir, now).build())) {
            engine.createTopic(CompactionTest.TOPIC, 1, CompactionTest.compacted("delete.retention.ms", "5000"));
            Partition p = engine.partition(CompactionTest.TOPIC, 0);
            for (int i = 0; i < 200; i++) {
                String key = "k" + (i % 6);
                p.append(bytes(key), i % 13 == 0 ? null : bytes("v" + i), 1_000 + i);
            }
            p.append(bytes("k0"), null, 2_000);
            p.append(bytes("k1"), null, 2_001);
            for (int i = 0; i < 50; i++) {
                p.append(bytes("f" + i), bytes("filler"), 2_002 + i);
            }
            engine.cleanLogsNow();
            Map<Long, TestRecords.Read> ours = new HashMap<>();
            for (TestRecords.Read r : TestRecords.readAll(p, 0)) {
                ours.put(r.offset(), r);
            }
            long activeBase = PartitionLogs.of(p).activeSegment().baseOffset();
            int horizons = 0;
            int kafkaRecords = 0;
            for (LogSegment segment : PartitionLogs.of(p).segments()) {
                if (segment.baseOffset() >= activeBase) {
                    break;
                }
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment.logFile()));
                List<Long> offsets = new ArrayList<>();
                for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                    batch.ensureValid();
                    if (batch.deleteHorizonMs().isPresent()) {
                        horizons++;
                        assertEquals(now.get() + 5000, batch.deleteHorizonMs().getAsLong());
                    }
                    for (Record record : batch) {
                        TestRecords.Read read = ours.get(record.offset());
                        assertTrue(read != null, "Kafka sees offset " + record.offset() + " that we do not");
                        assertEquals(read.key(), StandardCharsets.UTF_8.decode(record.key()).toString());
                        assertEquals(read.value() == null, !record.hasValue());
                        assertEquals(read.timestamp(), record.timestamp(), "timestamp at " + record.offset());
                        offsets.add(record.offset());
                        kafkaRecords++;
                    }
                }
                assertTrue(offsets.stream().sorted().toList().equals(offsets));
            }
            assertTrue(horizons > 0, "some batches hold surviving tombstones");
            long oursBelowActive = ours.keySet().stream().filter(o -> o < activeBase).count();
            assertEquals(oursBelowActive, kafkaRecords);
        }
    }
}
