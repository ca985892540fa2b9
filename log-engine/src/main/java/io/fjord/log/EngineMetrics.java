package io.fjord.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and gauges of the engine's health: the faults an operator must learn about (a full disk, a
 * corrupt file rebuilt, a half-created topic removed) are logged once and counted here, so a monitoring
 * system sees them even when nobody reads the log. One instance per {@link LogEngine}
 * ({@link LogEngine#metrics()}); the broker exports them.
 *
 * <p>Thread safety: every counter is safe to bump from any thread and to read at any time.
 */
public final class EngineMetrics {
    private final LongAdder indexesRebuilt = new LongAdder();
    private final LongAdder creationsRefusedForDescriptors = new LongAdder();

    /**
     * Segments whose offset and time indexes were rebuilt from the log because an index file was
     * missing, unreadable (e.g. a length that is not a whole number of entries) or failed its
     * sanity check. The routine rescan of the unflushed tail after a crash is not counted.
     */
    public long indexesRebuilt() {
        return indexesRebuilt.sum();
    }

    /** Counts one segment whose indexes are rebuilt; see {@link #indexesRebuilt()}. */
    public void onIndexesRebuilt() {
        indexesRebuilt.increment();
    }

    /**
     * Topic or partition creations refused because they would have left the process too few file
     * descriptors ({@link DescriptorHeadroomException}).
     */
    public long creationsRefusedForDescriptors() {
        return creationsRefusedForDescriptors.sum();
    }

    /** Counts one refusal; true for the first, which the caller logs (later ones are only counted). */
    boolean onCreationRefusedForDescriptors() {
        creationsRefusedForDescriptors.increment();
        return creationsRefusedForDescriptors.sum() == 1;
    }
}
