package io.fjord.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    /** A clock the test moves by hand. */
    private static final class ManualClock implements RateLimitedLog.NanoClock {
        long now = 123_456_789L; // not zero: the limiter must not assume time starts at 0

        @Override
        public long nanoTime() {
            return now;
        }
    }

    /** Keeps every line logged at INFO and above. */
    private static final class CapturingLogger implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(final Level level) {
            return level.getSeverity() >= Level.INFO.getSeverity();
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String msg, final Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params) {
            lines.add(format);
        }
    }

    @Test
    void logsAtMostTheBudgetPerCausePerIntervalThenOneSummary() {
        final ManualClock clock = new ManualClock();
        final CapturingLogger logger = new CapturingLogger();
        final LongAdder suppressed = new LongAdder();
        final RateLimitedLog log = new RateLimitedLog(logger, 3, MINUTE, clock, suppressed);
        final RateLimitedLog.Cause bad = log.cause("bad frame");
        final RateLimitedLog.Cause other = log.cause("other");

        for (int i = 0; i < 1000; i++) {
            bad.log(System.Logger.Level.WARNING, "bad " + i);
            clock.now += 1_000_000; // 1 ms: 1000 events within one second
        }
        other.log(System.Logger.Level.WARNING, "other 0"); // its own budget
        assertEquals(List.of("bad 0", "bad 1",
            "bad 2 (more 'bad frame' messages within 60 s are counted, not logged)", "other 0"), logger.lines);
        assertEquals(997, suppressed.sum());

        clock.now += MINUTE;
        bad.log(System.Logger.Level.WARNING, "bad again");
        assertEquals(6, logger.lines.size());
        assertTrue(logger.lines.get(4).startsWith("Suppressed 997 similar messages (bad frame) in the last 6"),
            logger.lines.get(4));
        assertEquals("bad again", logger.lines.get(5));

        // A quiet interval: no summary, the budget is whole again.
        clock.now += 2 * MINUTE;
        bad.log(System.Logger.Level.WARNING, "x");
        bad.log(System.Logger.Level.WARNING, "y");
        assertEquals(List.of("x", "y"), logger.lines.subList(6, 8));
    }

    @Test
    void disabledLevelsCostNoBudgetAndBuildNoMessage() {
        final CapturingLogger logger = new CapturingLogger();
        final RateLimitedLog.Cause cause = new RateLimitedLog(logger, 1, MINUTE, new ManualClock(), new LongAdder())
            .cause("c");
        final AtomicInteger built = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            cause.log(System.Logger.Level.DEBUG, () -> "debug " + built.incrementAndGet(), null);
        }
        assertEquals(0, built.get());
        cause.log(System.Logger.Level.WARNING, "warning");
        assertEquals(List.of("warning (more 'c' messages within 60 s are counted, not logged)"), logger.lines);
    }

    @Test
    void aBudgetOfZeroLogsOnlySummaries() {
        final ManualClock clock = new ManualClock();
        final CapturingLogger logger = new CapturingLogger();
        final RateLimitedLog.Cause cause = new RateLimitedLog(logger, 0, MINUTE, clock, new LongAdder()).cause("c");
        cause.log(System.Logger.Level.WARNING, "a");
        cause.log(System.Logger.Level.WARNING, "b");
        assertEquals(List.of(), logger.lines);
        clock.now += MINUTE;
        cause.log(System.Logger.Level.WARNING, "c");
        assertEquals(1, logger.lines.size());
        assertTrue(logger.lines.get(0).startsWith("Suppressed 2 similar messages (c)"), logger.lines.get(0));
    }

    @Test
    void refusesNonsenseLimits() {
        assertThrows(IllegalArgumentException.class,
            () -> new RateLimitedLog(new CapturingLogger(), -1, MINUTE, new ManualClock(), new LongAdder()));
        assertThrows(IllegalArgumentException.class,
            () -> new RateLimitedLog(new CapturingLogger(), 1, 0, new ManualClock(), new LongAdder()));
        assertThrows(IllegalArgumentException.class, () -> NetConfig.builder().logLinesPerCausePerMinute(-1).build());
    }
}
