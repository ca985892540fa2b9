package io.fjord.protocol.broker;

import io.fjord.log.AppendListener;
import io.fjord.log.TopicPartition;
import io.fjord.net.NetConfig;
import io.fjord.net.RateLimitedLog;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches that wait for data (min_bytes not yet available, max_wait_ms not yet passed). Appends
 * wake the fetches watching their partition; a timer completes the rest when their wait ends.
 *
 * <p>Appends are reported on writer threads, which must not do fetch work: the listener only
 * marks the partition and hands the check to the purgatory's own thread, coalescing a burst of
 * appends into one check. Bounded: at most {@code maxWaiting} fetches wait at once; beyond that
 * a fetch is answered with what there is.
 */
final class FetchPurgatory implements AppendListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FetchPurgatory.class.getName());
    /** A client's fetches decide how often this fails; the default per-cause budget bounds the lines. */
    private static final RateLimitedLog.Cause FETCH_FAILED_LOG = RateLimitedLog.perMinute(LOG,
            NetConfig.DEFAULT_LOG_LINES_PER_CAUSE_PER_MINUTE, new java.util.concurrent.atomic.LongAdder())
            .cause("waiting fetch failed");

    /** A waiting fetch: checks itself and answers exactly once. */
    abstract static class DelayedFetch {
        private final AtomicBoolean completed = new AtomicBoolean();
        final List<TopicPartition> partitions;

        DelayedFetch(List<TopicPartition> partitions) {
            this.partitions = partitions;
        }

        /** Reads again; true if min_bytes is now met (then {@link #respond} follows). */
        abstract boolean satisfied();

        /** Sends the response with whatever is available now. */
        abstract void respond();

        final boolean tryComplete(boolean force) {
            if ((force || satisfied()) && completed.compareAndSet(false, true)) {
                respond();
                return true;
            }
            return false;
        }

        final boolean isCompleted() {
            return completed.get();
        }
    }

    private final Map<TopicPartition, Set<DelayedFetch>> watchers = new ConcurrentHashMap<>();
    private final Set<TopicPartition> checksQueued = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger waiting = new AtomicInteger();
    private final int maxWaiting;

    FetchPurgatory(int maxWaiting) {
        this.maxWaiting = maxWaiting;
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fjord-fetch-purgatory");
            thread.setDaemon(true);
            return thread;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Parks {@code fetch} until data arrives or {@code maxWaitMs} passes. Returns false when the
     * purgatory is full (the caller answers at once).
     */
    boolean watch(DelayedFetch fetch, long maxWaitMs) {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            return false;
        }
        for (TopicPartition partition : fetch.partitions) {
            watchers.computeIfAbsent(partition, key -> ConcurrentHashMap.newKeySet()).add(fetch);
        }
        executor.schedule(() -> finish(fetch, true), maxWaitMs, TimeUnit.MILLISECONDS);
        // Data may have arrived between the caller's first read and the registration above.
        executor.execute(() -> finish(fetch, false));
        return true;
    }

    int waitingCount() {
        return waiting.get();
    }

    @Override
    public void onAppend(TopicPartition topicPartition, long logEndOffset) {
        if (watchers.containsKey(topicPartition) && checksQueued.add(topicPartition)) {
            try {
                executor.execute(() -> {
                    checksQueued.remove(topicPartition);
                    Set<DelayedFetch> fetches = watchers.get(topicPartition);
                    if (fetches != null) {
                        for (DelayedFetch fetch : fetches) {
                            finish(fetch, false);
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                checksQueued.remove(topicPartition); // shutting down
            }
        }
    }

    private void finish(DelayedFetch fetch, boolean timedOut) {
        if (fetch.isCompleted()) {
            return;
        }
        boolean done;
        try {
            done = fetch.tryComplete(timedOut);
        } catch (RuntimeException e) {
            FETCH_FAILED_LOG.log(System.Logger.Level.WARNING, () -> "A waiting fetch failed; answering it now", e);
            done = fetch.tryComplete(true);
        }
        if (done) {
            waiting.decrementAndGet();
            for (TopicPartition partition : fetch.partitions) {
                watchers.computeIfPresent(partition, (key, set) -> {
                    set.remove(fetch);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }

    /** Answers every waiting fetch with what there is, then stops. */
    @Override
    public void close() {
        executor.shutdown();
        for (Set<DelayedFetch> fetches : watchers.values()) {
            for (DelayedFetch fetch : fetches) {
                fetch.tryComplete(true);
            }
        }
        watchers.clear();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
