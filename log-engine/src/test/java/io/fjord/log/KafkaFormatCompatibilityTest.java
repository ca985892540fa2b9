package io.fjord.log;

import io.fjord.log.record.RecordHeader;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.storage.internals.log.OffsetIndex;
import org.apache.kafka.storage.internals.log.OffsetPosition;
import org.apache.kafka.storage.internals.log.TimeIndex;
import org.apache.kafka.storage.internals.log.TimestampOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fjord's segment files are Kafka's format byte for byte: Kafka's own classes (kafka-clients'
 * FileRecords, kafka-storage's OffsetIndex and TimeIndex, test scope only) read them.
 */
class KafkaFormatCompatibilityTest {
    @TempDir
    Path dir;

    private record Appended(long offset, long timestamp, String key, String value, String headerValue) {
    }

    @Test
    void kafkaReadsFjordSegmentsAndIndexes() throws IOException {
        List<Appended> appended = new ArrayList<>();
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("compat", 1, TopicConfig.of(Map.of("segment.bytes", "8192", "index.interval.bytes", "256")));
            Partition p = engine.partition("compat", 0);
            for (int i = 0; i < 600; i++) {
                String key = i % 7 == 0 ? null : "key-" + i;
                String value = "value-" + i + "-" + "x".repeat(i % 50);
                String header = i % 3 == 0 ? "h" + i : null;
                long timestamp = 1_700_000_000_000L + i * 1000L;
                long offset = header == null ? p.append(bytes(key), bytes(value), timestamp)
                        : p.append(bytes(key), bytes(value), timestamp, new RecordHeader("trace", bytes(header)));
                appended.add(new Appended(offset, timestamp, key, value, header));
            }
        }
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir.resolve("compat-0"))) {
            logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(logs.size() > 5, "several segments: " + logs);

        int next = 0;
        for (Path log : logs) {
            long baseOffset = Long.parseLong(log.getFileName().toString().replace(".log", ""));
            try (FileRecords records = FileRecords.open(log.toFile())) {
                for (RecordBatch batch : records.batches()) {
                    batch.ensureValid();
                    assertEquals(RecordBatch.MAGIC_VALUE_V2, batch.magic());
                    for (Record record : batch) {
                        Appended expected = appended.get(next++);
                        assertEquals(expected.offset(), record.offset());
                        assertEquals(expected.timestamp(), record.timestamp());
                        assertEquals(expected.key(), text(record.key()));
                        assertEquals(expected.value(), text(record.value()));
                        Header[] headers = record.headers();
                        if (expected.headerValue() == null) {
                            assertEquals(0, headers.length);
                        } else {
                            assertEquals(1, headers.length);
                            assertEquals("trace", headers[0].key());
                            assertArrayEquals(bytes(expected.headerValue()), headers[0].value());
                        }
                    }
                }
            }
            checkIndexesWithKafka(log, baseOffset, appended);
        }
        assertEquals(appended.size(), next);
    }

    private void checkIndexesWithKafka(Path log, long baseOffset, List<Appended> appended) throws IOException {
        Path indexFile = Path.of(log.toString().replace(".log", ".index"));
        Path timeIndexFile = Path.of(log.toString().replace(".log", ".timeindex"));
        OffsetIndex offsetIndex = new OffsetIndex(indexFile.toFile(), baseOffset, 1024 * 1024, false);
        TimeIndex timeIndex = new TimeIndex(timeIndexFile.toFile(), baseOffset, 1024 * 1024, false);
        try (FileRecords records = FileRecords.open(log.toFile())) {
            offsetIndex.sanityCheck();
            timeIndex.sanityCheck();
            // Every offset index entry points at the batch holding its offset.
            for (int i = 0; i < offsetIndex.entries(); i++) {
                OffsetPosition entry = offsetIndex.entry(i);
                RecordBatch batch = batchAt(records, entry.position());
                assertTrue(batch.baseOffset() <= entry.offset() && entry.offset() <= batch.lastOffset(),
                        "entry " + entry + " in " + indexFile);
            }
            // Kafka's floor lookup finds a position at or before each record's batch.
            for (Appended record : appended) {
                if (record.offset() < baseOffset || record.offset() >= baseOffset + 100_000) {
                    continue;
                }
                OffsetPosition floor = offsetIndex.lookup(record.offset());
                assertTrue(floor.offset() <= record.offset());
            }
            // Kafka's time lookup answers an offset at or before the first record at that time.
            if (timeIndex.entries() > 0) {
                TimestampOffset last = timeIndex.lastEntry();
                Appended atLast = appended.stream().filter(a -> a.offset() == last.offset()).findFirst().orElseThrow();
                assertEquals(atLast.timestamp(), last.timestamp());
                TimestampOffset found = timeIndex.lookup(last.timestamp());
                assertEquals(last.offset(), found.offset());
            }
        } finally {
            offsetIndex.close();
            timeIndex.close();
        }
    }

    private static RecordBatch batchAt(FileRecords records, int position) {
        for (org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch batch : records.batches()) {
            if (batch.position() == position) {
                return batch;
            }
        }
        throw new AssertionError("no batch starts at position " + position);
    }

    private static String text(java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void kafkaBuiltBatchesAppendAsReceived() {
        org.apache.kafka.common.record.internal.MemoryRecords kafkaBatch = org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                org.apache.kafka.common.compress.Compression.NONE,
                new org.apache.kafka.common.record.internal.SimpleRecord(10L, bytes("a"), bytes("1")),
                new org.apache.kafka.common.record.internal.SimpleRecord(11L, null, bytes("2")));
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            p.append(null, bytes("first"), 1L);
            assertEquals(1, p.appendBatch(kafkaBatch.buffer().duplicate()));
            List<TestRecords.Read> read = TestRecords.readAll(p, 1);
            assertEquals(List.of(new TestRecords.Read(1, 10, "a", "1"), new TestRecords.Read(2, 11, null, "2")), read);
            assertNull(read.get(1).key());
        }
    }
}
