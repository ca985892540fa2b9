package io.fjord.net;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Log lines that a remote peer can cause, bounded per cause: at most {@code maxLinesPerInterval} lines
 * of each {@link Cause} per interval; the rest are counted, and the next line of that cause after the
 * interval is preceded by one summary, "Suppressed K similar messages (cause) in the last N s".
 *
 * <p>Why: every refused frame, rejected connection or failed request used to log a line, so anyone
 * able to connect could fill the disk with the broker's log (1.34 GB in 24 minutes of fuzzing). The
 * occurrences themselves are never lost: each call site also counts them in a metric
 * ({@link NetMetrics}, the broker's protocol metrics), which is where rates belong. The log keeps the
 * first lines of a burst, which say what is going on, and the size of what was left out.
 *
 * <p>Causes are a fixed set made once by the owner ({@link #cause(String)}), never derived from peer
 * input, so the state here is bounded. Time comes from a {@link NanoClock}, so a test drives it.
 *
 * <p>Thread-safe: a cause's budget is a few fields under its own monitor; the logging itself happens
 * outside it. Messages are built only for lines that are logged.
 */
public final class RateLimitedLog {

    /** Monotonic time in nanoseconds; {@link #SYSTEM} in production, a hand-driven clock in tests. */
    @FunctionalInterface
    public interface NanoClock {
        NanoClock SYSTEM = System::nanoTime;

        long nanoTime();
    }

    /** The interval the per-cause budget applies to: a minute, as the config name says. */
    public static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final System.Logger logger;
    private final int maxLinesPerInterval;
    private final long intervalNanos;
    private final NanoClock clock;
    private final LongAdder suppressedLines;

    /**
     * @param maxLinesPerInterval lines of each cause logged per interval; 0 logs only the summaries
     * @param suppressedLines     counts every line left out (a metric; may be shared by several logs)
     */
    public RateLimitedLog(final System.Logger logger, final int maxLinesPerInterval, final long intervalNanos,
                          final NanoClock clock, final LongAdder suppressedLines) {
        if (maxLinesPerInterval < 0) {
            throw new IllegalArgumentException("maxLinesPerInterval must be >= 0, got " + maxLinesPerInterval);
        }
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("intervalNanos must be > 0, got " + intervalNanos);
        }
        this.logger = logger;
        this.maxLinesPerInterval = maxLinesPerInterval;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.suppressedLines = suppressedLines;
    }

    /** At most {@code linesPerMinute} lines per cause per minute, on the system clock. */
    public static RateLimitedLog perMinute(final System.Logger logger, final int linesPerMinute,
                                           final LongAdder suppressedLines) {
        return new RateLimitedLog(logger, linesPerMinute, INTERVAL_NANOS, NanoClock.SYSTEM, suppressedLines);
    }

    /** A cause with its own budget; {@code name} appears in the summary lines. Make each once. */
    public Cause cause(final String name) {
        return new Cause(name);
    }

    /** One kind of event (e.g. "invalid frame size") and its budget of lines. */
    public final class Cause {
        private final String name;
        private boolean started;
        private long windowStartNanos;
        private int linesInWindow;
        private long suppressedInWindow;

        private Cause(final String name) {
            this.name = name;
        }

        /** Logs {@code message} at {@code level} unless this cause's budget is spent. */
        public void log(final System.Logger.Level level, final String message) {
            log(level, () -> message, null);
        }

        /**
         * Logs the supplied message (built only if it is logged) with {@code thrown}, if not null,
         * unless this cause's budget is spent.
         */
        public void log(final System.Logger.Level level, final Supplier<String> message, final Throwable thrown) {
            if (!logger.isLoggable(level)) {
                return; // a disabled level costs nothing and spends no budget
            }
            final long now = clock.nanoTime();
            final long suppressedBefore;
            final long windowNanos;
            final boolean logIt;
            final boolean lastInWindow;
            synchronized (this) {
                if (!started || now - windowStartNanos >= intervalNanos) {
                    suppressedBefore = suppressedInWindow;
                    windowNanos = now - windowStartNanos;
                    started = true;
                    windowStartNanos = now;
                    linesInWindow = 0;
                    suppressedInWindow = 0;
                } else {
                    suppressedBefore = 0;
                    windowNanos = 0;
                }
                logIt = linesInWindow < maxLinesPerInterval;
                if (logIt) {
                    linesInWindow++;
                } else {
                    suppressedInWindow++;
                }
                lastInWindow = logIt && linesInWindow == maxLinesPerInterval;
            }
            if (suppressedBefore > 0) {
                logger.log(level, "Suppressed " + suppressedBefore + " similar messages (" + name + ") in the last "
                    + TimeUnit.NANOSECONDS.toSeconds(windowNanos) + " s");
            }
            if (logIt) {
                // The last line of a burst says that the rest is counted, so silence is not mistaken for calm.
                final String text = lastInWindow
                    ? message.get() + " (more '" + name + "' messages within "
                        + TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s are counted, not logged)"
                    : message.get();
                if (thrown == null) {
                    logger.log(level, text);
                } else {
                    logger.log(level, text, thrown);
                }
            } else {
                suppressedLines.increment();
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
