package io.fjord.protocol.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the requests the broker refused, by cause: each refusal closes the client's
 * connection, and its log line is rate-limited ({@code fjord.log.rate.limit.per.minute}), so these
 * counters, not the log, say how often it happens. The network layer's own refusals (frame size,
 * connection limit) are in {@link io.fjord.net.NetMetrics}.
 *
 * <p>Thread-safe: {@link LongAdder}s, updated by the network threads.
 */
public final class ProtocolMetrics {
    final LongAdder requestsWithoutHeader = new LongAdder();
    final LongAdder unknownApiKeys = new LongAdder();
    final LongAdder unsupportedVersions = new LongAdder();
    final LongAdder malformedRequests = new LongAdder();
    final LongAdder handlerFailures = new LongAdder();
    /** Admin requests answered REQUEST_TIMED_OUT because the admin executor's queue was full. */
    final LongAdder adminRequestsRefused = new LongAdder();
    /** Shared by the broker's rate-limited logs of client-caused events. */
    final LongAdder logLinesSuppressed = new LongAdder();

    ProtocolMetrics() {
    }

    /** @return frames too short to hold a request header */
    public long requestsWithoutHeader() {
        return requestsWithoutHeader.sum();
    }

    /** @return requests for an API key the broker does not serve */
    public long unknownApiKeys() {
        return unknownApiKeys.sum();
    }

    /** @return requests in a version the broker does not serve (ApiVersions excepted: it is answered) */
    public long unsupportedVersions() {
        return unsupportedVersions.sum();
    }

    /** @return requests whose header or body could not be decoded */
    public long malformedRequests() {
        return malformedRequests.sum();
    }

    /** @return requests whose handler threw (a broker bug or an engine failure) */
    public long handlerFailures() {
        return handlerFailures.sum();
    }

    /** @return admin requests refused with REQUEST_TIMED_OUT because {@code fjord.max.queued.admin.requests} were queued */
    public long adminRequestsRefused() {
        return adminRequestsRefused.sum();
    }

    /** @return log lines about refused requests left out by the rate limit */
    public long logLinesSuppressed() {
        return logLinesSuppressed.sum();
    }

    @Override
    public String toString() {
        return "ProtocolMetrics{withoutHeader=" + requestsWithoutHeader() + ", unknownApiKeys=" + unknownApiKeys()
                + ", unsupportedVersions=" + unsupportedVersions() + ", malformed=" + malformedRequests()
                + ", handlerFailures=" + handlerFailures() + ", adminRequestsRefused=" + adminRequestsRefused()
                + ", logLinesSuppressed=" + logLinesSuppressed() + '}';
    }
}
