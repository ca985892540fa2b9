package io.fjord.log;

/** A topic name breaks Kafka's naming rules, or a partition count is out of range. */
public class InvalidTopicException extends FjordException {
    public InvalidTopicException(String message) {
        super(message);
    }
}
