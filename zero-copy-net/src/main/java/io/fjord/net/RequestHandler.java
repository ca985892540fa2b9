package io.fjord.net;

/**
 * Application logic behind a {@link NetServer}: receives each complete request frame.
 *
 * <p>Called on a selector thread, one frame at a time per connection and in the order the frames
 * arrived. It must not block: every connection of that selector waits while it runs. Slow work goes
 * to another thread, which answers later through the {@link RequestContext}.
 *
 * <p>Must be thread-safe when the server has more than one selector thread: different connections'
 * frames arrive on different threads concurrently. An exception thrown here closes the connection
 * the frame came from (and is logged); other connections are unaffected.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * @param ctx the frame, who sent it, and the one way to answer it; must be answered exactly once
     *            (respond, respondNothing or closeConnection), now or later, from any thread, or the
     *            connection's later responses are held back behind it
     */
    void onRequest(RequestContext ctx);
}
