package io.fjord.log.group;

/**
 * Runs the coordinator's timed work (session expiry, join and rebalance deadlines, offsets
 * retention). Behind an interface so tests drive time with {@link ManualTimer} instead of sleeping.
 * A task may fire late or (after a cancel race) when no longer wanted: every task re-checks its
 * deadline against the engine clock under the group's lock, so the timer only decides "when to
 * look", never "what happens".
 *
 * <p>Implementations are thread-safe.
 */
public interface GroupTimer extends AutoCloseable {
    /** Runs {@code task} once, at least {@code delayMs} from now. */
    Cancellable schedule(long delayMs, Runnable task);

    /** Stops running tasks; pending ones are dropped. */
    @Override
    void close();

    /** A handle on a scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
