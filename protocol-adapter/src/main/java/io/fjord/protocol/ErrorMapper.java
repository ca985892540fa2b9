package io.fjord.protocol;

import io.fjord.log.AppendTimeoutException;
import io.fjord.log.DescriptorHeadroomException;
import io.fjord.log.EngineClosedException;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.InvalidProducerEpochException;
import io.fjord.log.InvalidRecordException;
import io.fjord.log.InvalidTopicException;
import io.fjord.log.LogStorageException;
import io.fjord.log.OffsetOutOfRangeException;
import io.fjord.log.OutOfOrderSequenceException;
import io.fjord.log.RecordTooLargeException;
import io.fjord.log.RecordValidationException;
import io.fjord.log.TopicExistsException;
import io.fjord.log.UnknownTopicOrPartitionException;
import io.fjord.net.NetConfig;
import io.fjord.net.RateLimitedLog;

import java.util.concurrent.atomic.LongAdder;

/** Maps the engine's exceptions to Kafka error codes at the wire boundary. */
public final class ErrorMapper {
    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());
    private static final LongAdder UNEXPECTED_ERRORS = new LongAdder();
    /** A client may be able to provoke an unexpected error at will: bounded lines, every one counted. */
    private static final RateLimitedLog.Cause UNEXPECTED_LOG = RateLimitedLog.perMinute(LOG,
            NetConfig.DEFAULT_LOG_LINES_PER_CAUSE_PER_MINUTE, new LongAdder()).cause("unexpected error");

    private ErrorMapper() {
    }

    public static Errors toError(Throwable error) {
        if (error instanceof DescriptorHeadroomException) {
            // Not KAFKA_STORAGE_ERROR: that one is retriable, so an AdminClient would retry until its
            // timeout and show a timeout instead of the reason; retrying cannot help here. Kafka's
            // answer when a broker-side policy refuses a creation is POLICY_VIOLATION, non-retriable,
            // whose message the client shows as is (PolicyViolationException).
            return Errors.POLICY_VIOLATION;
        } else if (error instanceof UnknownTopicOrPartitionException) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (error instanceof OffsetOutOfRangeException) {
            return Errors.OFFSET_OUT_OF_RANGE;
        } else if (error instanceof RecordTooLargeException) {
            return Errors.MESSAGE_TOO_LARGE;
        } else if (error instanceof RecordValidationException refused) {
            // Intact batches with content Kafka refuses (keyless records on a compacted topic too).
            return refused.invalidTimestamp() ? Errors.INVALID_TIMESTAMP : Errors.INVALID_RECORD;
        } else if (error instanceof InvalidRecordException) {
            return Errors.CORRUPT_MESSAGE;
        } else if (error instanceof InvalidTopicException) {
            return Errors.INVALID_TOPIC_EXCEPTION;
        } else if (error instanceof TopicExistsException) {
            return Errors.TOPIC_ALREADY_EXISTS;
        } else if (error instanceof InvalidConfigException) {
            return Errors.INVALID_CONFIG;
        } else if (error instanceof OutOfOrderSequenceException) {
            return Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
        } else if (error instanceof InvalidProducerEpochException) {
            return Errors.INVALID_PRODUCER_EPOCH;
        } else if (error instanceof LogStorageException) {
            return Errors.KAFKA_STORAGE_ERROR;
        } else if (error instanceof AppendTimeoutException) {
            return Errors.REQUEST_TIMED_OUT;
        } else if (error instanceof EngineClosedException) {
            return Errors.NOT_LEADER_OR_FOLLOWER; // shutting down: clients retry elsewhere or later
        }
        UNEXPECTED_ERRORS.increment();
        UNEXPECTED_LOG.log(System.Logger.Level.WARNING, () -> "Unexpected error mapped to UNKNOWN_SERVER_ERROR", error);
        return Errors.UNKNOWN_SERVER_ERROR;
    }

    /** @return errors mapped to UNKNOWN_SERVER_ERROR since start, in this JVM (their log lines are rate-limited) */
    public static long unexpectedErrors() {
        return UNEXPECTED_ERRORS.sum();
    }
}
