package io.fjord.log.writer;

import io.fjord.log.FjordException;
import io.fjord.log.LogStorageException;
import io.fjord.log.partition.PartitionLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer of a set of partitions: a thread that drains a bounded multi-producer queue of
 * {@link AppendRequest}s and appends them, so each partition log has exactly one writer.
 *
 * <p>Group commit: appends to {@code durability=sync} topics are not acknowledged at once. After
 * each drained run of requests the writer fsyncs each touched log once and then acknowledges all
 * of them, so concurrent producers share one fsync instead of paying one each.
 *
 * <p>Idle strategy: spin briefly, then park; producers unpark a parked writer. Both sides
 * use volatile accesses (the queue's indexes and {@link #parked}), so a wake-up cannot be lost;
 * the park also has a timeout as a second line of defence.
 */
final class PartitionWriter implements Runnable {
    private static final System.Logger LOG = System.getLogger(PartitionWriter.class.getName());
    /** Requests per duty cycle before fsyncing and acknowledging: bounds sync-ack latency. */
    static final int MAX_DRAIN_PER_CYCLE = 256;
    /**
     * Busy-wait this many idle loops (a few microseconds) before parking, so that a burst of
     * requests arriving back to back is drained without a park and unpark per request. No
     * {@code Thread.yield()} phase after it: at a low rate every idle period ran all its yields
     * (20 sched_yield system calls per request at 5,000 requests/s, ~100,000 a second), and on a
     * busy machine a yield hands the core to another thread while the writer still counts as
     * awake, so a producer does not unpark it and its append waits for the scheduler instead.
     */
    private static final int SPINS_BEFORE_PARK = 200;
    /**
     * A parked writer is woken by the producer that queues work (see {@link #offer}); the timeout is
     * only a second line of defence. At 1 ms an idle broker spent ~2% of a core re-parking its
     * writers (timer and futex system calls); at 100 ms that is noise.
     */
    private static final long MAX_PARK_NS = 100_000_000;

    /**
     * The JDK's lock-free MPSC queue, bounded by {@link #queued}. (JCTools' MpscArrayQueue would
     * save the node per offer, but it reaches sun.misc.Unsafe, which JDK 24+ reports on stderr of
     * every application embedding Fjord; a node is small next to the request it carries.)
     */
    private final Queue<AppendRequest> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int queueCapacity;
    private final StorageOutcomeListener storage;
    private final Thread thread;
    private final List<AppendRequest> awaitingSync = new ArrayList<>();
    private final List<PartitionLog> logsToSync = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean parked;
    private int idleCount;

    PartitionWriter(String name, int queueCapacity, StorageOutcomeListener storage) {
        this.queueCapacity = queueCapacity;
        this.storage = storage;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** False when the queue is full (back-pressure); the caller decides how long to retry. */
    boolean offer(AppendRequest request) {
        if (queued.incrementAndGet() > queueCapacity) {
            queued.decrementAndGet();
            return false;
        }
        queue.offer(request);
        if (parked) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        while (running || !queue.isEmpty()) {
            int work = drain();
            if (!logsToSync.isEmpty()) {
                syncAndAcknowledge();
            }
            if (work > 0) {
                idleCount = 0;
            } else {
                idle();
            }
        }
    }

    private int drain() {
        int work = 0;
        AppendRequest request;
        while (work < MAX_DRAIN_PER_CYCLE && (request = queue.poll()) != null) {
            queued.decrementAndGet();
            process(request);
            work++;
        }
        return work;
    }

    private void process(AppendRequest request) {
        PartitionLog log = request.log;
        if (log == null) {
            syncAndAcknowledge(); // a barrier also waits for pending syncs
            request.succeed();
            return;
        }
        try {
            request.baseOffset = log.append(request.records, request.leaderEpoch);
            request.lastOffset = log.lastAppendLastOffset();
        } catch (FjordException e) {
            if (e instanceof LogStorageException storageFailure) {
                storage.onStorageFailure(storageFailure);
            }
            request.fail(e);
            return;
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "Unexpected failure appending to " + log.topicPartition(), e);
            request.fail(new FjordException("Unexpected failure appending to " + log.topicPartition() + ": " + e, e));
            return;
        }
        storage.onWriteSucceeded();
        if (log.config().syncDurability()) {
            awaitingSync.add(request);
            if (!log.syncPending()) {
                log.syncPending(true);
                logsToSync.add(log);
            }
        } else {
            request.succeed();
        }
    }

    private void syncAndAcknowledge() {
        for (PartitionLog log : logsToSync) {
            log.syncPending(false);
            FjordException failure = null;
            try {
                log.flush();
            } catch (FjordException e) {
                failure = e;
                if (e instanceof LogStorageException storageFailure) {
                    storage.onStorageFailure(storageFailure);
                }
            }
            for (AppendRequest request : awaitingSync) {
                if (request.log == log) {
                    if (failure == null) {
                        request.succeed();
                    } else {
                        request.fail(failure);
                    }
                }
            }
        }
        logsToSync.clear();
        awaitingSync.clear();
    }

    private void idle() {
        idleCount++;
        if (idleCount <= SPINS_BEFORE_PARK) {
            Thread.onSpinWait();
        } else {
            parked = true;
            if (queue.isEmpty() && running) {
                LockSupport.parkNanos(this, MAX_PARK_NS);
            }
            parked = false;
        }
    }

    /** Stops after every queued request is processed; waits for the thread to end. */
    void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join();
    }
}
