package io.fjord.client;

import java.util.concurrent.atomic.AtomicLong;

import io.fjord.log.LogReader;
import io.fjord.log.Partition;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;

/**
 * offsetsForTimes for one partition: the engine's time index gives the first offset at or after
 * the time; Kafka also returns that record's timestamp, so we read the one record there.
 */
final class OffsetLookup {
    private OffsetLookup() {
    }

    /** Null when no record has a timestamp at or after {@code timestampMs}, as in Kafka. */
    static OffsetAndTimestamp offsetForTime(Partition partition, long timestampMs) {
        long offset = partition.offsetForTimestamp(timestampMs);
        if (offset < 0) {
            return null;
        }
        AtomicLong timestamp = new AtomicLong(timestampMs);
        try (LogReader reader = partition.reader(offset)) {
            reader.poll(record -> timestamp.set(record.timestamp()), 1);
        }
        return new OffsetAndTimestamp(offset, timestamp.get());
    }
}
