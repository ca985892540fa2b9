package io.fjord.client;

/**
 * Counts sends whose callback has not run yet, so {@code flush()} and {@code close()} can wait for
 * them. Like Kafka, a send counts as done only after its callback returned.
 *
 * <p>Thread-safe (monitor).
 */
final class InFlightSends {
    private long inFlight;

    synchronized void started() {
        inFlight++;
    }

    synchronized void completed() {
        inFlight--;
        assert inFlight >= 0 : "more completions than sends";
        if (inFlight == 0) {
            notifyAll();
        }
    }

    /** Waits until nothing is in flight or {@code timeoutMs} passes; returns whether all completed. */
    synchronized boolean awaitEmpty(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (inFlight > 0) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) {
                return false;
            }
            wait(leftMs);
        }
        return true;
    }
}
