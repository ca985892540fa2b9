package io.fjord.client;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * KafkaConsumer's "not safe for multi-threaded access" check: a second thread entering while one
 * is inside fails fast instead of corrupting state. Re-entrant for the owning thread (a rebalance
 * listener may call the consumer back).
 */
final class SingleThreadGuard {
    private static final long NO_THREAD = -1L;
    private final AtomicLong owner = new AtomicLong(NO_THREAD);
    private int depth;

    void acquire() {
        long me = Thread.currentThread().getId();
        if (me != owner.get() && !owner.compareAndSet(NO_THREAD, me)) {
            throw new ConcurrentModificationException("KafkaConsumer is not safe for multi-threaded access. "
                    + "currentThread(name: " + Thread.currentThread().getName() + ", id: " + me + ")"
                    + " otherThread(id: " + owner.get() + ")");
        }
        depth++;
    }

    void release() {
        if (--depth == 0) {
            owner.set(NO_THREAD);
        }
    }
}
