package io.fjord.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The producer's one completion thread: the counterpart of KafkaProducer's I/O thread, on which
 * Kafka runs send callbacks. Engine writer threads only enqueue here, so a slow user callback
 * never stalls a partition writer (AppendCallback runs on the writer and "must be quick"). One
 * thread, FIFO: callbacks of one partition run in offset order, as Kafka guarantees.
 */
final class CallbackThread {
    private final ExecutorService executor;
    private volatile Thread thread;

    CallbackThread(String name) {
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true); // an application that forgets close() must still be able to exit
            thread = t;
            return t;
        });
    }

    /**
     * Queues {@code task}; after {@link #shutdown} (a {@code close} that gave up waiting) runs it
     * on the caller instead, so a late completion still completes its futures and frees its
     * buffer memory rather than being dropped.
     */
    void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException afterShutdown) {
            task.run();
        }
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs what is queued, then stops; waits up to {@code timeoutMs} unless called from this thread. */
    void shutdown(long timeoutMs) throws InterruptedException {
        executor.shutdown();
        if (!isCurrentThread()) {
            executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
        }
    }
}
