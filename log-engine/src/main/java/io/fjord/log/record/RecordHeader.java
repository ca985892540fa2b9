package io.fjord.log.record;

/**
 * One record header as given to {@link RecordBatchBuilder}: a non-null UTF-8 key and a nullable value.
 *
 * <p>Thread safety: the record is immutable but {@code value} is a caller-owned array, not copied.
 */
public record RecordHeader(String key, byte[] value) {
    public RecordHeader {
        if (key == null) {
            // The wire format allows a null value but not a null key (Kafka rejects keyLength -1).
            throw new NullPointerException("header key");
        }
    }
}
