package io.fjord.net;

import java.io.IOException;

/**
 * A {@link FileSegment} could not be sent in full: its channel was closed, or the file is shorter than
 * the segment. Unlike a peer reset this is the application's bug or race (e.g. a segment deleted by
 * retention while a fetch was sending it), so it is logged loudly. The connection is closed either way:
 * the peer was promised bytes that cannot be delivered.
 */
final class SendFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    SendFailedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
