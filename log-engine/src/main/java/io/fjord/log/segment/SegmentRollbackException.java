package io.fjord.log.segment;

import java.io.IOException;

/** An append failed and cutting the file back failed too: the segment's tail is unknown. */
public final class SegmentRollbackException extends IOException {
    public SegmentRollbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
