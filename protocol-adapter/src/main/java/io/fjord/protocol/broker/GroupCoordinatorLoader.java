package io.fjord.protocol.broker;

import io.fjord.log.EngineClosedException;
import io.fjord.log.LogEngine;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupError;

import java.util.function.Supplier;

/**
 * Starts the engine's group coordinator (creating and replaying {@code __consumer_offsets}) on a
 * thread of its own, never on a network thread: until it is loaded, group requests are answered
 * COORDINATOR_LOAD_IN_PROGRESS and clients retry, as with Kafka while it loads its offsets
 * partitions. The load starts when the broker starts if the topic already exists (Kafka loads the
 * partitions it leads at start-up), otherwise with the first FindCoordinator or group request (the
 * topic is created on first use, as Kafka's FindCoordinator does). A failed load is logged and tried
 * again by a later request (a second later at the soonest).
 *
 * <p>Thread-safe: any network thread asks; one load runs at a time, on a thread named
 * {@value #THREAD_NAME}, joined by {@link #close()}.
 */
final class GroupCoordinatorLoader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCoordinatorLoader.class.getName());
    static final String THREAD_NAME = "fjord-group-load";
    /** After a failed load, the next one starts no sooner than this: a broken log is not replayed per request. */
    private static final long RETRY_AFTER_FAILURE_NS = 1_000_000_000L;

    private final LogEngine engine;
    private final Supplier<GroupCoordinator> load;
    private volatile GroupCoordinator loaded;
    /** The running load, or null; guarded by this. */
    private Thread loading;
    /** When the last load failed ({@link System#nanoTime()}), if it did; guarded by this. */
    private long failedAtNs;
    private boolean failed;
    private boolean closed;

    /** @param load starts the coordinator, blocking: {@code engine::groupCoordinator} (a test may hold it) */
    GroupCoordinatorLoader(LogEngine engine, Supplier<GroupCoordinator> load) {
        this.engine = engine;
        this.load = load;
    }

    /** Starts loading now if the offsets topic exists, so the first group request usually finds it ready. */
    void loadIfStored(String offsetsTopic) {
        if (engine.topicExists(offsetsTopic)) {
            startLoad();
        }
    }

    /** The coordinator, or null while it loads (the load is started if it is not running). Never waits. */
    GroupCoordinator coordinatorOrStartLoad() {
        GroupCoordinator coordinator = loaded;
        if (coordinator != null) {
            return coordinator;
        }
        startLoad();
        return loaded; // the load may have finished meanwhile
    }

    /** What a group request is told while {@link #coordinatorOrStartLoad()} is null. */
    GroupError unavailableError() {
        return engine.isClosed() ? GroupError.COORDINATOR_NOT_AVAILABLE : GroupError.COORDINATOR_LOAD_IN_PROGRESS;
    }

    private synchronized void startLoad() {
        if (closed || loading != null || loaded != null || engine.isClosed()
                || (failed && System.nanoTime() - failedAtNs < RETRY_AFTER_FAILURE_NS)) {
            return;
        }
        Thread thread = new Thread(this::load, THREAD_NAME);
        thread.setDaemon(true);
        loading = thread;
        thread.start();
    }

    private void load() {
        try {
            loaded = load.get();
        } catch (EngineClosedException e) {
            // The broker is going away; requests are told the coordinator is not available.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Loading the group coordinator failed; a group request tries again"
                    + " in a second or more", e);
            synchronized (this) {
                failed = true;
                failedAtNs = System.nanoTime();
            }
        } finally {
            synchronized (this) {
                loading = null;
            }
        }
    }

    /** Stops starting loads and waits for a running one to end (it ends with the engine at the latest). */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = loading;
        }
        if (running == null) {
            return;
        }
        try {
            running.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
