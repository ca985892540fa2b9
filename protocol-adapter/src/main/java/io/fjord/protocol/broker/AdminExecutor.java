package io.fjord.protocol.broker;

import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few named threads ({@value #THREAD_PREFIX}N, {@code fjord.admin.threads}) and a bounded queue
 * ({@code fjord.max.queued.admin.requests}) for the admin requests whose work waits on the disk:
 * CreateTopics, DeleteTopics (which also waits for the partitions' writers), CreatePartitions,
 * AlterConfigs, IncrementalAlterConfigs, DeleteRecords, InitProducerId (a new block of
 * producer ids is fsynced) and a Metadata request that auto-creates a topic. A network thread
 * hands the request over and goes on; the admin thread answers.
 *
 * <h2>Overflow</h2>
 * A request that finds the queue full is answered at once with REQUEST_TIMED_OUT for each of its
 * items (a Metadata request that would auto-create: LEADER_NOT_AVAILABLE for those topics, Kafka's
 * answer while a topic is being created; clients ask again). Kafka has no error for "queue full": its network threads block on a full request queue
 * ({@code queued.max.requests}), which Fjord's must never do. REQUEST_TIMED_OUT is what Kafka
 * answers these APIs when the operation cannot be done in time (its controller's queue deadline,
 * DeleteRecords' purgatory), and admin clients report it as a retriable TimeoutException, which is
 * the truth: nothing was done and the request may be sent again. THROTTLING_QUOTA_EXCEEDED would
 * claim a quota that does not exist.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} (broker close, after the listener closed its connections) takes no more work,
 * answers queued requests with REQUEST_TIMED_OUT (the answers are dropped with their connections,
 * which releases their frames), lets running ones finish (their disk work is not interrupted: an
 * interrupt would close the engine's file channels) and joins the threads.
 */
final class AdminExecutor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminExecutor.class.getName());
    static final String THREAD_PREFIX = "fjord-admin-";
    /** Errors of an overflowing or closing executor. */
    static final Errors OVERFLOW_ERROR = Errors.REQUEST_TIMED_OUT;
    /** How long close waits for running admin work before it gives up waiting (it is left to finish). */
    private static final long CLOSE_WAIT_MS = 60_000;

    private final ThreadPoolExecutor pool;
    private final ProtocolMetrics metrics;
    /** Set by {@link #close()} once queued requests are answered: no request starts after this. */
    private volatile boolean drained;

    AdminExecutor(int threads, int queueCapacity, ProtocolMetrics metrics) {
        if (threads < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("admin threads must be >= 1 and the queue >= 0: " + threads + ", "
                    + queueCapacity);
        }
        this.metrics = metrics;
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                queueCapacity == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity),
                runnable -> {
                    Thread thread = new Thread(runnable, THREAD_PREFIX + ids.getAndIncrement());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** A network-thread handler that hands each request to this executor, or refuses it when full. */
    ApiHandler offload(AdminApiHandler handler) {
        return (exchange, request) -> execute(handler, exchange, request);
    }

    /** Runs {@code handler} for the request on an admin thread, or has it refuse the request now when full. */
    void execute(AdminApiHandler handler, Exchange exchange, ApiMessage request) {
        Task task = new Task(handler, exchange, request);
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            metrics.adminRequestsRefused.increment();
            task.refuse();
        }
    }

    /** True once {@link #close()} has taken the queued requests: only running ones may still finish. */
    boolean drained() {
        return drained;
    }

    @Override
    public void close() {
        pool.shutdown();
        List<Runnable> queued = new ArrayList<>();
        pool.getQueue().drainTo(queued);
        drained = true;
        for (Runnable runnable : queued) {
            ((Task) runnable).refuse();
        }
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "Admin requests still running after " + CLOSE_WAIT_MS
                        + " ms; the broker closes without waiting for them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One request: run on an admin thread, or refused on the network thread. */
    private final class Task implements Runnable {
        final AdminApiHandler handler;
        final Exchange exchange;
        final ApiMessage request;

        Task(AdminApiHandler handler, Exchange exchange, ApiMessage request) {
            this.handler = handler;
            this.exchange = exchange;
            this.request = request;
        }

        @Override
        public void run() {
            try {
                handler.handle(exchange, request);
            } catch (RuntimeException e) {
                // What the router does with a handler that throws on a network thread.
                metrics.handlerFailures.increment();
                LOG.log(System.Logger.Level.ERROR, "Handling " + exchange.api().apiName + " failed; closing the"
                        + " connection", e);
                exchange.closeConnection();
            }
        }

        void refuse() {
            handler.refuse(exchange, request, OVERFLOW_ERROR);
        }
    }
}
