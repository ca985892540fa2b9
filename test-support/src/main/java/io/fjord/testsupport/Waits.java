package io.fjord.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded waits for tests that watch another thread or process reach a state: a wait that can end
 * only by the condition holding would hang the build instead of failing the test.
 *
 * <p>Every bound here is a guard against a hang, never a claim about speed: a test waits for a
 * condition, and the bound only decides how long a broken build takes to say so. Bounds are
 * generous on purpose (the suite must pass while other work keeps every core busy).
 */
public final class Waits {
    private static final long POLL_MS = 20;

    private Waits() {
    }

    /**
     * Polls {@code condition} every 20 ms until it holds or {@code timeout} passes, then fails with
     * "Timed out after {@code timeout}: {@code what}". {@code what} is only evaluated on failure, so
     * it can describe the state that was reached.
     */
    public static void waitUntil(Duration timeout, BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        Deadline deadline = deadline(timeout);
        while (!condition.getAsBoolean()) {
            deadline.failIfPassed(what);
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Repeats {@code attempt} until it returns true or {@code timeout} passes, then fails like
     * {@link #waitUntil}. For attempts that wait by themselves (a consumer's {@code poll(100 ms)}, a
     * socket read with a timeout), so no sleep is added between them.
     */
    public static void repeatUntil(Duration timeout, Attempt attempt, Supplier<String> what) throws Exception {
        Deadline deadline = deadline(timeout);
        while (!attempt.done()) {
            deadline.failIfPassed(what);
        }
    }

    /** Starts a deadline {@code timeout} from now, for waits that need the time left themselves. */
    public static Deadline deadline(Duration timeout) {
        return new Deadline(timeout);
    }

    /** One step of {@link #repeatUntil}: does some work and says whether the wait is over. */
    @FunctionalInterface
    public interface Attempt {
        boolean done() throws Exception;
    }

    /**
     * A point in time a wait must not pass, for loops that hand the time left to a blocking call (a
     * queue's {@code poll(timeout)}, a process's {@code waitFor}).
     */
    public static final class Deadline {
        private final Duration timeout;
        private final long deadlineNanos;

        private Deadline(Duration timeout) {
            this.timeout = timeout;
            this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        }

        /** @return nanoseconds left, never negative */
        public long remainingNanos() {
            return Math.max(0, deadlineNanos - System.nanoTime());
        }

        /** @return true once the deadline has passed */
        public boolean passed() {
            return System.nanoTime() - deadlineNanos > 0;
        }

        /** Fails with "Timed out after {@code timeout}: {@code what}" once the deadline has passed. */
        public void failIfPassed(Supplier<String> what) {
            if (passed()) {
                fail("Timed out after " + timeout + ": " + what.get());
            }
        }

        /** @return the bound this deadline was started with, for messages */
        public Duration timeout() {
            return timeout;
        }
    }
}
