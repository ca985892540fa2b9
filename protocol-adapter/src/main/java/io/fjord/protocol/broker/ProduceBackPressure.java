package io.fjord.protocol.broker;

import io.fjord.log.EngineClosedException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The broker's produce requests waiting for room in a writer queue ({@link BackPressuredAppends}), and
 * the one timer that expires them at {@code append.timeout.ms}.
 *
 * <p>One expiry per waiting request, cancelled (and removed from the timer's queue at once) when the
 * request stops waiting, so finished requests hold nothing. The timer's thread starts with the first
 * back-pressured request and ends after a second without any: a broker whose writers keep up never
 * has it. Closing fails every waiting request (their connections are closing too).
 *
 * <p>Thread-safe.
 */
final class ProduceBackPressure implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProduceBackPressure.class.getName());
    private static final long TIMER_IDLE_KEEP_ALIVE_MS = 1_000;
    private static final long TIMER_STOP_WAIT_MS = 5_000;

    private final long appendTimeoutMs;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<BackPressuredAppends> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ProduceBackPressure(long appendTimeoutMs) {
        this.appendTimeoutMs = appendTimeoutMs;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fjord-produce-timeout");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(TIMER_IDLE_KEEP_ALIVE_MS, TimeUnit.MILLISECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    long appendTimeoutMs() {
        return appendTimeoutMs;
    }

    /** Produce requests waiting for room now. */
    int waitingRequests() {
        return waiting.size();
    }

    /** Selector thread: {@code appends} starts waiting; its expiry is due in {@code append.timeout.ms}. */
    void started(BackPressuredAppends appends) {
        waiting.add(appends);
        try {
            appends.expiry(timer.schedule(() -> appends.expire(null), appendTimeoutMs, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            // Closed: close() fails whatever it finds; this one it may have missed.
        }
        if (closed) {
            appends.expire(new EngineClosedException("The broker is closing"));
        }
    }

    /** Any thread: {@code appends} stopped waiting. */
    void finished(BackPressuredAppends appends) {
        waiting.remove(appends);
    }

    /** Fails every waiting request and stops the timer's thread (waiting a moment for a running expiry). */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (BackPressuredAppends appends : waiting) {
            appends.expire(new EngineClosedException("The broker is closing"));
        }
        try {
            // An expiry only fails partitions and queues responses: it ends at once.
            if (!timer.awaitTermination(TIMER_STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "The produce timeout thread did not stop within "
                        + TIMER_STOP_WAIT_MS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
