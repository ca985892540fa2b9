package io.fjord.log.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Something expensive to keep open (a file descriptor, a memory mapping) that a
 * {@link ResourceCache} may close while nobody uses it and that reopens itself on the next use.
 *
 * <h2>Why reference counting, not a lock or a grace period</h2>
 * A reader that is handed a resource (a fetch's sendfile region, say) may use it on another thread
 * long after it was handed out. Closing it then would break that reader, so every use is bracketed
 * by {@link #acquire()} and {@link #release()}: the count of uses in flight lives in one atomic
 * int, and the cache can only close a resource by moving that count from exactly 0 to
 * {@link #CLOSED} with a compare-and-set. A use in flight therefore always finishes on the
 * resource it started with; a use that finds the resource closed reopens it. No lock is taken on
 * the path of a use that finds the resource open (two atomic updates), and nothing waits on time.
 * The cost of this choice: resources pinned by uses in flight cannot be closed, so the cache may
 * exceed its bound by the number of uses in flight at that moment (bounded by the number of
 * threads doing I/O), and catches up as they finish.
 *
 * <p>Lock order: the cache's lock, then a resource's monitor; never the reverse.
 */
public abstract class Evictable {
    /** {@link #uses} value of a resource that is not open. */
    static final int CLOSED = -1;

    /** Uses in flight, or {@link #CLOSED}. */
    private final AtomicInteger uses = new AtomicInteger(CLOSED);
    /** The CLOCK algorithm's reference bit: set by uses, cleared by the cache's sweep. */
    private volatile boolean recentlyUsed;
    /** Set once by {@link #retire()}: never reopened again. */
    private volatile boolean retired;
    private final ResourceCache cache;

    protected Evictable(ResourceCache cache) {
        this.cache = cache;
    }

    /** Opens the underlying resource; called under this object's monitor. */
    protected abstract void doOpen() throws IOException;

    /** Closes the underlying resource; called under this object's monitor when no use is in flight. */
    protected abstract void doClose() throws IOException;

    /** What a use of a retired resource reports. */
    protected abstract IOException retiredException();

    /**
     * Pins the resource, opening it if it is closed; every call must be followed by
     * {@link #release()}. Any thread.
     */
    protected final void acquire() throws IOException {
        for (;;) {
            int inFlight = uses.get();
            if (inFlight >= 0) {
                if (uses.compareAndSet(inFlight, inFlight + 1)) {
                    if (!recentlyUsed) {
                        recentlyUsed = true;
                    }
                    return;
                }
                continue;
            }
            boolean opened = false;
            synchronized (this) {
                if (retired) {
                    throw retiredException();
                }
                if (uses.get() == CLOSED) {
                    doOpen();
                    recentlyUsed = true;
                    uses.set(1); // published after the resource: a fast-path acquirer sees it open
                    opened = true;
                }
            }
            if (opened) {
                cache.onOpened(this); // outside the monitor: it may close others (lock order)
                return;
            }
        }
    }

    /** Ends a use begun by {@link #acquire()}. */
    protected final void release() {
        uses.decrementAndGet();
    }

    /** Opens the resource for the first time, counted in the cache like any reopening. */
    protected final void openInitially() throws IOException {
        acquire();
        release();
    }

    /**
     * The cache's part of the CLOCK sweep: true if the resource was used since the last sweep
     * (and clears that), so it gets a second chance.
     */
    final boolean takeRecentlyUsed() {
        boolean used = recentlyUsed;
        if (used) {
            recentlyUsed = false;
        }
        return used;
    }

    /** Closes the resource if it is open and unused; true if it is no longer open afterwards. */
    final boolean tryClose() {
        synchronized (this) {
            if (uses.get() == CLOSED) {
                return true;
            }
            if (!uses.compareAndSet(0, CLOSED)) {
                return false; // pinned by a use in flight
            }
            try {
                doClose();
            } catch (IOException | RuntimeException e) {
                System.getLogger(Evictable.class.getName()).log(System.Logger.Level.WARNING,
                        "Closing idle {0} failed: {1}", this, e.toString());
            }
            return true;
        }
    }

    final boolean isOpen() {
        return uses.get() >= 0;
    }

    final boolean isRetired() {
        return retired;
    }

    /**
     * Closes the resource for good, at once, even if uses are in flight (they fail as uses of a
     * closed channel do, and their late {@link #release()} leaves the count below {@link #CLOSED},
     * which still reads as closed); later uses get {@link #retiredException()}. Idempotent.
     */
    protected final void retire() throws IOException {
        synchronized (this) {
            if (retired) {
                return;
            }
            retired = true;
            if (uses.getAndSet(CLOSED) != CLOSED) {
                doClose();
            }
        }
        // The cache drops retired entries lazily in its sweep; nothing to do here.
    }

    /** The monitor that orders {@link #doOpen()} against renames of the underlying file. */
    protected final Object openLock() {
        return this;
    }
}
