package io.fjord.connect;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The thread that runs one task, and its stop protocol: {@link #requestStop} sets a flag the task
 * loop checks between polls; {@link #awaitStop} waits a bounded time for the loop to commit and
 * finish, then interrupts it. A task that throws is recorded as failed (its thread ends; the
 * worker and the other tasks keep running, as in Kafka).
 */
abstract class TaskThread implements Runnable {
    private static final System.Logger LOG = System.getLogger(TaskThread.class.getName());

    protected final TaskId id;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;

    TaskThread(TaskId id, String kind) {
        this.id = id;
        this.thread = new Thread(this, "fjord-connect-" + kind + "-" + id);
        this.thread.setDaemon(false);
    }

    final void start() {
        thread.start();
    }

    @Override
    public final void run() {
        try {
            execute();
        } catch (InterruptedException e) {
            if (!stopping) {
                failure.compareAndSet(null, e);
                LOG.log(System.Logger.Level.ERROR, "Task " + id + " was interrupted", e);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            LOG.log(System.Logger.Level.ERROR, "Task " + id + " failed and stopped; restart the worker to run it again", e);
        } finally {
            finished.countDown();
        }
    }

    /** The task's whole life: start, loop until {@link #stopping()}, commit, stop. */
    protected abstract void execute() throws Exception;

    /** Called on the stopping thread right after the flag is set, to wake a blocked loop. */
    protected void wakeUp() {
    }

    final boolean stopping() {
        return stopping;
    }

    final void requestStop() {
        stopping = true;
        wakeUp();
    }

    /** Waits up to {@code timeoutMs} for the loop to end, then interrupts it; true if it ended in time. */
    final boolean awaitStop(long timeoutMs) throws InterruptedException {
        if (finished.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            return true;
        }
        LOG.log(System.Logger.Level.WARNING, "Task " + id + " did not stop within " + timeoutMs + " ms ("
                + WorkerConfig.TASK_SHUTDOWN_TIMEOUT_MS + "); interrupting it");
        thread.interrupt();
        return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    final boolean isRunning() {
        return finished.getCount() > 0;
    }

    final Throwable failure() {
        return failure.get();
    }

    final TaskId id() {
        return id;
    }
}
