package io.fjord.log.partition;

import io.fjord.log.InvalidRecordException;
import io.fjord.log.KeylessRecordException;
import io.fjord.log.RecordTooLargeException;
import io.fjord.log.RecordValidationException;
import io.fjord.log.RecordValidationException.RecordError;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.record.CorruptRecordException;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordCursor;
import io.fjord.log.record.compress.CompressedRecordCursor;
import io.fjord.log.record.compress.UndecodableRecordsException;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a batch a producer sent may be stored, as Kafka's {@code LogValidator} does for client
 * batches. Runs after {@link RecordBatch#validate} (size, magic, count against lastOffsetDelta, CRC), so it
 * checks what the CRC cannot vouch for:
 * <ul>
 *   <li>the header: no control batch (those are the broker's to write), a producer id comes with a sequence;</li>
 *   <li>every record, compressed or not: it parses, exactly {@code recordsCount} of them fill the records
 *       section (or the decompressed stream), their offset deltas are 0, 1, ... in order;</li>
 *   <li>the topic's rules per record: a key on a compacted topic, a CreateTime timestamp within
 *       {@code [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms]}.</li>
 * </ul>
 * A batch breaking a topic rule is refused with every offending record named (KIP-467's record errors, Kafka's
 * messages); anything else refuses the batch at the first fault.
 *
 * <p>Cost: an uncompressed batch is walked in place ({@link RecordCursor}); a compressed one is decompressed as
 * a stream through a bounded, reused window ({@link CompressedRecordCursor}) and never materialised, its
 * decompressed size bounded by {@code maxDecompressedBatchBytes}. Nothing is allocated per record unless a record
 * is refused.
 *
 * <p>Not thread-safe: owned by the partition's writer thread. Public for the JMH benchmark of its cost.
 */
public final class ProducedBatchValidator {
    private static final String LOG_APPEND_TIME = "LogAppendTime";
    /** Kafka's summary quotes this many record errors. */
    private static final int QUOTED_ERRORS = 3;

    private final TopicPartition topicPartition;
    private final long maxDecompressedBatchBytes;
    private final RecordCursor cursor = new RecordCursor();
    /** Created by the first compressed batch: its window is the only sizeable buffer here. */
    private CompressedRecordCursor compressedCursor;

    // Per batch.
    private int batchStart;
    private boolean keysRequired;
    private boolean checkTimestamps;
    private boolean logAppendTimeBatch;
    private long lowestTimestamp;
    private long highestTimestamp;
    /** Null until a record is refused, so a good batch allocates nothing. */
    private List<RecordError> recordErrors;
    private boolean timestampRefused;

    public ProducedBatchValidator(TopicPartition topicPartition, long maxDecompressedBatchBytes) {
        this.topicPartition = topicPartition;
        this.maxDecompressedBatchBytes = maxDecompressedBatchBytes;
    }

    /**
     * Checks {@code batch}, which passed {@link RecordBatch#validate}, against {@code config} at {@code nowMs}.
     *
     * @param batchStart the batch's byte position in the append, for messages
     * @throws RecordValidationException for content Kafka refuses with {@code INVALID_RECORD} or
     *                                   {@code INVALID_TIMESTAMP} ({@link KeylessRecordException} when every
     *                                   refused record lacks a key on a compacted topic)
     * @throws InvalidRecordException    when compressed records do not decompress ({@code CORRUPT_MESSAGE})
     * @throws RecordTooLargeException   when they decompress to more than {@code maxDecompressedBatchBytes}
     */
    public void validate(RecordBatch batch, int batchStart, TopicConfig config, long nowMs) {
        this.batchStart = batchStart;
        validateHeader(batch);
        keysRequired = config.compact();
        checkTimestamps = !LOG_APPEND_TIME.equals(config.value(TopicConfig.MESSAGE_TIMESTAMP_TYPE));
        logAppendTimeBatch = batch.isLogAppendTime();
        // nowMs >= 0 and before >= 0, so the lower bound cannot overflow; the upper one saturates.
        lowestTimestamp = nowMs - config.timestampBeforeMaxMs();
        long after = config.timestampAfterMaxMs();
        highestTimestamp = after > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + after;
        recordErrors = null;
        timestampRefused = false;
        try {
            if (batch.isCompressed()) {
                validateCompressedRecords(batch);
            } else {
                validateRecords(batch);
            }
        } catch (CorruptRecordException e) {
            throw new RecordValidationException(topicPartition + ": batch at byte " + batchStart + ": " + e.getMessage());
        }
        if (recordErrors != null) {
            throw refused();
        }
    }

    private void validateHeader(RecordBatch batch) {
        if (batch.isControl()) {
            throw new RecordValidationException("Clients are not allowed to write control records in topic partition "
                    + topicPartition);
        }
        if (batch.producerId() >= 0 && batch.baseSequence() < 0) {
            throw new RecordValidationException("Invalid sequence number " + batch.baseSequence()
                    + " in record batch with producerId " + batch.producerId() + " in topic partition " + topicPartition);
        }
    }

    private void validateRecords(RecordBatch batch) {
        RecordCursor records = cursor.reset(batch);
        int index = 0;
        while (records.next()) {
            validateRecord(index++, records.offsetDelta(), records.offset(), records.timestamp(), records.keyLength());
        }
    }

    private void validateCompressedRecords(RecordBatch batch) {
        if (compressedCursor == null) {
            compressedCursor = new CompressedRecordCursor(maxDecompressedBatchBytes);
        }
        CompressedRecordCursor records = compressedCursor;
        try {
            records.reset(batch);
            int index = 0;
            while (records.next()) {
                validateRecord(index++, records.offsetDelta(), records.offset(), records.timestamp(), records.keyLength());
            }
        } catch (UndecodableRecordsException e) {
            throw new InvalidRecordException(topicPartition + ": batch at byte " + batchStart + ": " + e.getMessage());
        } catch (RecordTooLargeException e) {
            throw new RecordTooLargeException(topicPartition + ": " + e.getMessage());
        } finally {
            records.close();
        }
    }

    private void validateRecord(int index, int offsetDelta, long offset, long timestamp, int keyLength) {
        if (offsetDelta != index) {
            // Producers number records 0, 1, ...; the stored batch keeps these deltas, so they must be right.
            throw new RecordValidationException(topicPartition + ": batch at byte " + batchStart + " has offset delta "
                    + offsetDelta + " where " + index + " belongs");
        }
        if (keysRequired && keyLength < 0) {
            refuse(index, "Compacted topic cannot accept message without key in topic partition " + topicPartition,
                    false);
        } else if (checkTimestamps && timestamp != RecordBatchDescriptor.NO_TIMESTAMP) {
            if (timestamp < lowestTimestamp || timestamp > highestTimestamp) {
                refuse(index, "Timestamp " + timestamp + " of message with offset " + offset
                        + " is out of range. The timestamp should be within [" + lowestTimestamp + ", "
                        + highestTimestamp + "]", true);
            }
        } else if (logAppendTimeBatch) {
            refuse(index, "Invalid timestamp type in message with offset " + offset
                    + ". Producer should not set timestamp type to LogAppendTime.", true);
        }
    }

    private void refuse(int index, String message, boolean timestamp) {
        if (recordErrors == null) {
            recordErrors = new ArrayList<>(1);
        }
        recordErrors.add(new RecordError(index, message));
        timestampRefused |= timestamp;
    }

    /** Kafka's summary: a timestamp among the reasons makes it INVALID_TIMESTAMP, else INVALID_RECORD. */
    private RecordValidationException refused() {
        List<RecordError> errors = recordErrors;
        recordErrors = null;
        if (timestampRefused) {
            return new RecordValidationException("One or more records have been rejected due to invalid timestamp",
                    errors, true);
        }
        String message = "One or more records have been rejected due to " + errors.size() + " record errors in total,"
                + " and only showing the first three errors at most: "
                + errors.subList(0, Math.min(errors.size(), QUOTED_ERRORS));
        return new KeylessRecordException(message, errors); // the only record rule besides timestamps
    }
}
