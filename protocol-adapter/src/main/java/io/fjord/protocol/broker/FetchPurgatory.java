package io.fjord.protocol.broker;

import io.fjord.log.AppendListener;
import io.fjord.log.TopicPartition;
import io.fjord.log.delay.DelayedOperation;
import io.fjord.log.delay.DelayedOperationPurgatory;
import io.fjord.log.delay.WatchOutcome;

import java.util.Collection;

/**
 * Fetches that wait for data (min_bytes not yet available, max_wait_ms not yet passed), in a
 * {@link DelayedOperationPurgatory} keyed by partition. Appends are reported on writer threads:
 * {@link #onAppend} only marks the partition (lock-free) and the purgatory's own thread,
 * {@code fjord-purgatory-fetch}, checks the fetches watching it and answers those now satisfied.
 * Bounded by {@code fjord.max.waiting.fetches}: beyond it a fetch is answered with what there is.
 */
final class FetchPurgatory implements AppendListener, AutoCloseable {
    private final DelayedOperationPurgatory<TopicPartition> purgatory;
    private final FetchHandler.PartitionReader reader;

    FetchPurgatory(int maxWaiting) {
        this(maxWaiting, FetchHandler.PartitionReader.DIRECT);
    }

    /** @param reader how the fetches of this purgatory read partitions (tests count reads through it) */
    FetchPurgatory(int maxWaiting, FetchHandler.PartitionReader reader) {
        this.purgatory = DelayedOperationPurgatory.start("fetch", maxWaiting);
        this.reader = reader;
    }

    FetchHandler.PartitionReader reader() {
        return reader;
    }

    /** Completes {@code fetch} now if it can, else parks it until appends satisfy it or its wait ends. */
    WatchOutcome watch(DelayedOperation fetch, Collection<TopicPartition> partitions) {
        return purgatory.tryCompleteElseWatch(fetch, partitions);
    }

    int waitingCount() {
        return purgatory.waitingCount();
    }

    /** Checks run after appends so far (each compares positions; none reads a partition). */
    long checksRun() {
        return purgatory.checksRun();
    }

    @Override
    public void onAppend(TopicPartition topicPartition, long logEndOffset) {
        purgatory.keyChanged(topicPartition);
    }

    /** Answers every waiting fetch with what there is, then stops the purgatory's thread. */
    @Override
    public void close() {
        purgatory.close();
    }
}
