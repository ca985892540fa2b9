package io.fjord.protocol.broker;

import io.fjord.protocol.codec.ApiMessage;

/**
 * Serves one Kafka API: turns a decoded request into engine calls and answers through the
 * exchange, now or later (a long-poll fetch, a commit answered when its append completes). Runs on
 * a network thread: must not block. Work that has to wait on the disk belongs in an
 * {@link AdminApiHandler}, which runs on the {@link AdminExecutor}.
 */
interface ApiHandler {
    void handle(Exchange exchange, ApiMessage request);
}
