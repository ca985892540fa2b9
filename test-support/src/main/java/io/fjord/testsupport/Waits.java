package io.fjord.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded waits for tests that watch another thread or process reach a state: a wait that can end
 * only by the condition holding would hang the build instead of failing the test.
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
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Timed out after " + timeout + ": " + what.get());
            }
            Thread.sleep(POLL_MS);
        }
    }
}
