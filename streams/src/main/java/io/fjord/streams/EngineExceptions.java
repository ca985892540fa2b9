package io.fjord.streams;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Engine exceptions as the Kafka exceptions an admin client would report for the same error. */
final class EngineExceptions {
    private EngineExceptions() {
    }

    static Throwable toKafka(RuntimeException e) {
        if (e instanceof KafkaException || e instanceof UnsupportedOperationException) {
            return e;
        }
        if (e instanceof io.fjord.log.TopicExistsException) {
            return new TopicExistsException(e.getMessage());
        }
        if (e instanceof io.fjord.log.UnknownTopicOrPartitionException) {
            return new UnknownTopicOrPartitionException(e.getMessage());
        }
        if (e instanceof io.fjord.log.InvalidTopicException) {
            return new InvalidTopicException(e.getMessage());
        }
        if (e instanceof io.fjord.log.InvalidConfigException) {
            return new InvalidConfigurationException(e.getMessage());
        }
        if (e instanceof io.fjord.log.OffsetOutOfRangeException) {
            return new OffsetOutOfRangeException(e.getMessage());
        }
        if (e instanceof io.fjord.log.LogStorageException) {
            return new KafkaStorageException(e.getMessage(), e);
        }
        return new KafkaException(e.getMessage(), e);
    }
}
