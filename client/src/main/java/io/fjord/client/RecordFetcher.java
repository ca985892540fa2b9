package io.fjord.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fjord.log.LogEngine;
import io.fjord.log.record.RecordCursor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records of one partition from its position through the engine's {@link io.fjord.log.LogReader} and
 * turns each into a {@link ConsumerRecord}: this is where the engine's zero-allocation cursor
 * meets Kafka's object-per-record API, so copying happens here and only here.
 *
 * <p>Not thread-safe: owned by the consumer's polling thread.
 */
final class RecordFetcher<K, V> {
    private final LogEngine engine;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;

    RecordFetcher(LogEngine engine, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this.engine = engine;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
    }

    /**
     * Up to {@code max} records of {@code tp} from {@code state.position}, advancing the position
     * past what is returned.
     *
     * @throws io.fjord.log.OffsetOutOfRangeException if the position is outside the log
     */
    List<ConsumerRecord<K, V>> fetch(TopicPartition tp, PartitionState state, int max) {
        if (state.reader == null) {
            state.reader = engine.partition(tp.topic(), tp.partition()).reader(state.position);
        } else if (state.reader.position() != state.position) {
            state.reader.seek(state.position); // seek() or a reset moved the position
        }
        List<ConsumerRecord<K, V>> out = new ArrayList<>(Math.min(max, 512));
        try {
            state.reader.poll(cursor -> out.add(toRecord(tp, cursor)), max);
        } catch (RecordDeserializationException e) {
            // As Kafka: hand out the good records before the bad one; the next poll throws at it.
            state.position = e.offset();
            if (out.isEmpty()) {
                throw e;
            }
            return out;
        }
        // The reader may have moved past control batches without returning records.
        state.position = state.reader.position();
        return out;
    }

    private ConsumerRecord<K, V> toRecord(TopicPartition tp, RecordCursor cursor) {
        RecordHeaders headers = new RecordHeaders();
        while (cursor.nextHeader()) {
            headers.add(cursor.headerKey(), cursor.headerValue());
        }
        byte[] key = cursor.keyBytes();
        byte[] value = cursor.valueBytes();
        K k;
        V v;
        try {
            k = keyDeserializer.deserialize(tp.topic(), headers, key);
        } catch (RuntimeException e) {
            throw deserializationFailed(RecordDeserializationException.DeserializationExceptionOrigin.KEY, tp, cursor,
                    headers, key, value, e);
        }
        try {
            v = valueDeserializer.deserialize(tp.topic(), headers, value);
        } catch (RuntimeException e) {
            throw deserializationFailed(RecordDeserializationException.DeserializationExceptionOrigin.VALUE, tp,
                    cursor, headers, key, value, e);
        }
        return new ConsumerRecord<>(tp.topic(), tp.partition(), cursor.offset(), cursor.timestamp(),
                TimestampType.CREATE_TIME, key == null ? -1 : key.length, value == null ? -1 : value.length, k, v,
                headers, Optional.empty());
    }

    private static RecordDeserializationException deserializationFailed(
            RecordDeserializationException.DeserializationExceptionOrigin origin, TopicPartition tp,
            RecordCursor cursor, RecordHeaders headers, byte[] key, byte[] value, RuntimeException cause) {
        return new RecordDeserializationException(origin, tp, cursor.offset(), cursor.timestamp(),
                TimestampType.CREATE_TIME, key == null ? null : java.nio.ByteBuffer.wrap(key),
                value == null ? null : java.nio.ByteBuffer.wrap(value), headers,
                "Error deserializing " + origin.name().toLowerCase() + " for partition " + tp + " at offset "
                        + cursor.offset() + ". If needed, please seek past the record to continue consumption.",
                cause);
    }
}
