package io.fjord.net;

/**
 * The log lines a peer can cause on the selector threads, one {@link RateLimitedLog.Cause} per kind of
 * event, shared by every {@link NetworkThread} of a server, so each kind gets
 * {@link NetConfig#logLinesPerCausePerMinute()} lines a minute in all. Each event is also counted in
 * {@link NetMetrics} by its call site.
 *
 * <p>Thread-safe.
 */
final class NetLog {

    /** Routine closes (peer closed, idle, asked by the handler, I/O error, shutdown), logged at DEBUG. */
    final RateLimitedLog.Cause routineClose;
    final RateLimitedLog.Cause invalidFrameSize;
    final RateLimitedLog.Cause noHeapForFrame;
    final RateLimitedLog.Cause handlerThrew;
    final RateLimitedLog.Cause sendFailed;
    final RateLimitedLog.Cause unexpectedError;
    final RateLimitedLog.Cause registrationFailed;

    NetLog(final NetConfig config, final NetMetrics metrics) {
        // Connection's logger: these lines are about connections, as they were before the limit.
        final RateLimitedLog log = RateLimitedLog.perMinute(System.getLogger(Connection.class.getName()),
            config.logLinesPerCausePerMinute(), metrics.logLinesSuppressed);
        this.routineClose = log.cause("connection closed");
        this.invalidFrameSize = log.cause("invalid frame size");
        this.noHeapForFrame = log.cause("no heap for a frame");
        this.handlerThrew = log.cause("request handler threw");
        this.sendFailed = log.cause("file segment send failed");
        this.unexpectedError = log.cause("unexpected error");
        this.registrationFailed = log.cause("selector registration failed");
    }
}
