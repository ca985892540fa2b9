package io.fjord.protocol.broker;

import java.io.UncheckedIOException;

/**
 * The broker could not start; the message names the cause and what to do, in one line, as the command
 * line prints it. An {@link UncheckedIOException}, as {@code Broker.start} threw for a taken port before.
 */
public final class BrokerStartException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    public BrokerStartException(String message, java.io.IOException cause) {
        super(message, cause);
    }
}
