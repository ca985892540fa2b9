package io.fjord.client;

import io.fjord.log.AppendListener;
import io.fjord.log.TopicPartition;

/**
 * Wakes a consumer blocked in {@code poll} when something it might care about happened: an append
 * to any partition (told by the engine on its writer thread), a rebalance noticed by the
 * heartbeat thread, or {@code wakeup()}. A sequence number avoids lost wake-ups: the poller reads
 * it before fetching and waits only while it is unchanged.
 *
 * <p>Thread-safe. {@link #onAppend} is cheap (an uncontended monitor, an increment and, only if
 * someone waits, a notify), as the engine requires of append listeners.
 */
final class DataSignal implements AppendListener {
    private long sequence;
    private int waiters;

    @Override
    public void onAppend(TopicPartition topicPartition, long logEndOffset) {
        signal();
    }

    synchronized void signal() {
        sequence++;
        if (waiters > 0) {
            notifyAll();
        }
    }

    /** @return whether a poll waits in {@link #await} now (tests use it as a latch) */
    synchronized boolean hasWaiters() {
        return waiters > 0;
    }

    synchronized long sequence() {
        return sequence;
    }

    /** Waits until the sequence moves past {@code seen} or {@code timeoutNs} passes. */
    synchronized void await(long seen, long timeoutNs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNs;
        waiters++;
        try {
            while (sequence == seen) {
                long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    return;
                }
                wait(leftNs / 1_000_000L, (int) (leftNs % 1_000_000L));
            }
        } finally {
            waiters--;
        }
    }
}
