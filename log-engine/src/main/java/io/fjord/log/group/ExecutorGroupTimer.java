package io.fjord.log.group;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link GroupTimer}: one daemon thread ({@code fjord-group-timer}). Tasks that
 * throw are logged and do not kill the thread. Thread-safe.
 */
final class ExecutorGroupTimer implements GroupTimer {
    private static final System.Logger LOG = System.getLogger(ExecutorGroupTimer.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    ExecutorGroupTimer() {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fjord-group-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Cancelled heartbeat checks would otherwise stay queued until their deadline.
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        try {
            ScheduledFuture<?> future = executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Group timer task failed", e);
                }
            }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { }; // closing: timers no longer matter
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
