package io.fjord.log.io;

import java.util.ArrayDeque;

/**
 * A bound on how many {@link Evictable} resources (file descriptors, say) are open at once. When
 * an open would exceed it, the least recently used idle resource is closed first, by the CLOCK
 * approximation of LRU: open resources stand in a ring; the sweep gives each one that was used
 * since it last passed a second chance (clears its bit, moves it to the back) and closes the
 * first one that was not used and has no use in flight ({@link Evictable}). Exact LRU would need
 * a shared list updated on every read; CLOCK costs a read of one flag per use and amortised O(1)
 * per open, which is what the operating systems' page caches use for the same reason.
 *
 * <p>Thread safety: {@link #onOpened} and the counters may be called from any thread; the ring
 * is guarded by this object's monitor.
 */
public final class ResourceCache {
    /** No bound: every resource stays open until its owner closes it (what Fjord did before). */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private final int maxOpen;
    private final ArrayDeque<Evictable> ring = new ArrayDeque<>();
    private long evictions;
    private long opens;

    public ResourceCache(int maxOpen) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be >= 1: " + maxOpen);
        }
        this.maxOpen = maxOpen;
    }

    public int maxOpen() {
        return maxOpen;
    }

    /** Resources open now (retired ones not yet swept out may still be counted). */
    public synchronized int openCount() {
        return ring.size();
    }

    /** How many times an idle resource was closed to make room. */
    public synchronized long evictions() {
        return evictions;
    }

    /** How many times a resource was opened, the first time or again after an eviction. */
    public synchronized long opens() {
        return opens;
    }

    /** Registers a resource that has just been opened and closes idle ones beyond the bound. */
    synchronized void onOpened(Evictable opened) {
        opens++;
        ring.addLast(opened);
        if (ring.size() <= maxOpen) {
            return;
        }
        // Two passes at most: the first may only clear reference bits.
        for (int visits = 2 * ring.size(); visits > 0 && ring.size() > maxOpen; visits--) {
            Evictable candidate = ring.pollFirst();
            if (candidate.isRetired() || !candidate.isOpen()) {
                continue; // closed by its owner: just leaves the ring
            }
            if (candidate != opened && !candidate.takeRecentlyUsed() && candidate.tryClose()) {
                evictions++;
                continue;
            }
            ring.addLast(candidate); // used lately, pinned, or the one just opened
        }
        // Still over the bound: every other resource is pinned by a use in flight; the next
        // opens catch up once those finish (see Evictable).
    }
}
