package io.fjord.log;

import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordCursor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds batches and collects records for tests. */
public final class TestRecords {
    private TestRecords() {
    }

    /** One record as read back. */
    public record Read(long offset, long timestamp, String key, String value) {
    }

    public static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh batch of {@code count} records "k{i}"/"v{i}" with the given timestamp. */
    public static ByteBuffer batch(int first, int count, long timestampMs) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (int i = first; i < first + count; i++) {
            builder.append(timestampMs, bytes("k" + i), bytes("v" + i));
        }
        ByteBuffer built = builder.build();
        ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        return copy;
    }

    /** A batch whose single record has a value of {@code valueBytes} bytes. */
    public static ByteBuffer batchOfSize(int valueBytes, long timestampMs) {
        RecordBatchBuilder builder = new RecordBatchBuilder(valueBytes + 128);
        builder.append(timestampMs, null, new byte[valueBytes]);
        ByteBuffer built = builder.build();
        ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built).flip();
        return copy;
    }

    /** Reads every record from {@code offset} to the log end. */
    public static List<Read> readAll(Partition partition, long offset) {
        List<Read> records = new ArrayList<>();
        try (LogReader reader = partition.reader(offset)) {
            while (reader.poll(cursor -> records.add(read(cursor)), 10_000) > 0) {
                // keep polling
            }
        }
        return records;
    }

    public static Read read(RecordCursor cursor) {
        byte[] key = cursor.keyBytes();
        byte[] value = cursor.valueBytes();
        return new Read(cursor.offset(), cursor.timestamp(),
                key == null ? null : new String(key, StandardCharsets.UTF_8),
                value == null ? null : new String(value, StandardCharsets.UTF_8));
    }
}
