package io.fjord.client;

import io.fjord.log.EngineClosedException;
import io.fjord.log.InvalidRecordException;
import io.fjord.log.OffsetOutOfRangeException;
import io.fjord.log.RecordTooLargeException;
import io.fjord.log.UnknownTopicOrPartitionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;

/**
 * Maps engine exceptions to the Kafka exceptions a {@code KafkaProducer}/{@code KafkaConsumer}
 * user would see for the same broker error, so error handling written for Kafka keeps working.
 */
final class EngineErrors {
    private EngineErrors() {
    }

    static RuntimeException toKafka(RuntimeException e) {
        if (e instanceof KafkaException) {
            return e;
        }
        if (e instanceof RecordTooLargeException) {
            return new org.apache.kafka.common.errors.RecordTooLargeException(e.getMessage(), e);
        }
        if (e instanceof InvalidRecordException) {
            return new org.apache.kafka.common.InvalidRecordException(e.getMessage(), e);
        }
        if (e instanceof UnknownTopicOrPartitionException) {
            return new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(e.getMessage(), e);
        }
        if (e instanceof io.fjord.log.InvalidTopicException) {
            return new InvalidTopicException(e.getMessage(), e);
        }
        if (e instanceof OffsetOutOfRangeException) {
            return new org.apache.kafka.common.errors.OffsetOutOfRangeException(e.getMessage(), e);
        }
        if (e instanceof EngineClosedException) {
            return new KafkaException("The Fjord engine is closed: " + e.getMessage(), e);
        }
        return new KafkaException(e.getMessage(), e);
    }
}
