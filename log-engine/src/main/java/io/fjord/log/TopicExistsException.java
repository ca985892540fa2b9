package io.fjord.log;

/** A topic with that name already exists. */
public class TopicExistsException extends FjordException {
    public TopicExistsException(String message) {
        super(message);
    }
}
