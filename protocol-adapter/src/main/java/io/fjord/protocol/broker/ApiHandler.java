package io.fjord.protocol.broker;

import io.fjord.protocol.codec.ApiMessage;

/**
 * Serves one Kafka API: turns a decoded request into engine calls and answers through the
 * exchange, now or later (a long-poll fetch). Runs on a network thread: must not block.
 */
interface ApiHandler {
    void handle(Exchange exchange, ApiMessage request);
}
