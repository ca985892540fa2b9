package io.fjord.log;

/** The topic or partition does not exist. */
public class UnknownTopicOrPartitionException extends FjordException {
    public UnknownTopicOrPartitionException(String message) {
        super(message);
    }
}
