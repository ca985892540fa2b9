package io.fjord.protocol.broker;

import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;

/**
 * A handler whose work waits on the disk (creating or deleting files, fsyncs, waiting for the
 * writers): it runs on the {@link AdminExecutor}, never on a network thread, and may block there.
 */
interface AdminApiHandler extends ApiHandler {
    /**
     * Answers the request with {@code error} for each of its items (topics, partitions, resources),
     * doing nothing else: used when the admin executor has no room. Quick; runs on a network thread.
     */
    void refuse(Exchange exchange, ApiMessage request, Errors error);
}
