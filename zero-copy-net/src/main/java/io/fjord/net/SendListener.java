package io.fjord.net;

/**
 * Told once, exactly once, when a {@link Send} is finished with: either every byte was handed to the
 * socket, or the send was dropped (its connection closed first, or the send failed part way). This is
 * where a caller releases what the send borrowed, e.g. a reference that keeps a log segment's file
 * open while a {@link FileSegment} of it is in flight.
 *
 * <p>Called on a selector thread, or on the thread that called {@link RequestContext#respond} when the
 * connection had already closed. Must not block; an exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface SendListener {

    /**
     * @param written true if every byte of the send was written to the socket (which does not mean the
     *                peer has read it), false if the send was dropped
     */
    void onSendDone(boolean written);
}
