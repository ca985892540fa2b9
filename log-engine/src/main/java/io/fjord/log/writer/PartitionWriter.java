package io.fjord.log.writer;

import io.fjord.log.FjordException;
import io.fjord.log.LogStorageException;
import io.fjord.log.partition.AppendResult;
import io.fjord.log.partition.PartitionLog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
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
 * use volatile accesses (the queues' indexes and {@link #parked}), so a wake-up cannot be lost;
 * the park also has a timeout as a second line of defence.
 *
 * <p>Room: a caller refused by a full queue (back-pressure) may leave a callback in a second bounded
 * queue; the writer runs the callbacks waiting at the start of a cycle once its queue is at or below
 * half full ({@link #roomMark}), and all of them when it stops. A callback runs on this thread, so
 * it must only hand work on (e.g. retry its offer, which never blocks), never wait.
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

    /** Appends waiting for this writer: an array ring, no node per append (see {@link MpscRing}). */
    private final MpscRing<AppendRequest> queue;
    /** Callbacks of callers refused by a full {@link #queue}, run when it has room again. */
    private final MpscRing<Runnable> roomWaiters;
    /** Queue depth at or below which waiting callers are told there is room: half the capacity. */
    private final int roomMark;
    private final StorageOutcomeListener storage;
    private final Thread thread;
    private final List<AppendRequest> awaitingSync = new ArrayList<>();
    /** The logs to fsync at the end of this cycle, in the order of their first append. */
    private final List<PartitionLog> logsToSync = new ArrayList<>();
    /** The same logs, to find in O(1) whether one is already listed (a cycle may touch hundreds). */
    private final Set<PartitionLog> logsPendingSync = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean running = true;
    private volatile boolean parked;
    private int idleCount;

    PartitionWriter(String name, int queueCapacity, int maxRoomWaiters, StorageOutcomeListener storage) {
        this.queue = new MpscRing<>(queueCapacity);
        this.roomWaiters = new MpscRing<>(maxRoomWaiters);
        this.roomMark = queueCapacity / 2;
        this.storage = storage;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** False when the queue is full (back-pressure); the caller decides how long to retry. */
    boolean offer(AppendRequest request) {
        if (!queue.offer(request)) {
            return false;
        }
        if (parked) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /**
     * Leaves {@code onRoom} to run on this writer's thread once its queue is at most half full (at
     * once if it already is), or when the writer stops. False if {@code maxRoomWaiters} callbacks
     * wait already (it will not run). Never blocks.
     */
    boolean addRoomWaiter(Runnable onRoom) {
        if (!roomWaiters.offer(onRoom)) {
            return false;
        }
        if (parked) {
            LockSupport.unpark(thread); // an idle writer has room: it runs the callback on waking
        }
        return true;
    }

    /** Appends queued now (a moment's view): the queue depth. */
    int queueDepth() {
        return queue.size();
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
            if (!roomWaiters.isEmpty() && queue.size() <= roomMark) {
                runRoomWaiters(roomWaiters.size());
            }
            if (work > 0) {
                idleCount = 0;
            } else {
                idle();
            }
        }
        // Stopped: whoever still waits for room is told now (their retry finds the engine closed).
        runRoomWaiters(Integer.MAX_VALUE);
    }

    /**
     * Runs up to {@code max} waiting callbacks: those waiting at the start, not ones they queue again
     * (a retry that finds the queue full again waits for the next time there is room).
     */
    private void runRoomWaiters(int max) {
        Runnable onRoom;
        for (int i = 0; i < max && (onRoom = roomWaiters.poll()) != null; i++) {
            try {
                onRoom.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "A room callback failed on " + thread.getName(), e);
            }
        }
    }

    private int drain() {
        int work = 0;
        AppendRequest request;
        while (work < MAX_DRAIN_PER_CYCLE && (request = queue.poll()) != null) {
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
            AppendResult result = log.append(request.records, request.leaderEpoch);
            request.baseOffset = result.baseOffset();
            request.lastOffset = result.lastOffset();
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
            // A retry answered from the producer state waits too: its original may be in this cycle.
            awaitingSync.add(request);
            if (logsPendingSync.add(log)) {
                logsToSync.add(log);
            }
        } else {
            request.succeed();
        }
    }

    private void syncAndAcknowledge() {
        for (PartitionLog log : logsToSync) {
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
        logsPendingSync.clear();
        awaitingSync.clear();
    }

    private void idle() {
        idleCount++;
        if (idleCount <= SPINS_BEFORE_PARK) {
            Thread.onSpinWait();
        } else {
            parked = true;
            if (queue.isEmpty() && roomWaiters.isEmpty() && running) {
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
