package io.fjord.log;

import io.fjord.log.io.ProcessDescriptors;
import io.fjord.log.io.ResourceCache;

/**
 * The check that refuses partition creation before it could exhaust the process's file
 * descriptors, so creation fails whole and at once with a clear message instead of part way
 * with "Too many open files" (issue 11, point 13).
 *
 * <p>What new partitions keep open: one log-segment descriptor each, but never more than the room
 * left under {@code fjord.max.open.files} (beyond that the descriptor cache closes idle ones);
 * index files hold none. While a partition is being created a few more are open for a moment.
 * The sum, on top of what the process has open now, must stay below the limit minus a reserve
 * for connections and the JVM: 5% of the limit, at least {@link #MIN_RESERVE_DESCRIPTORS}.
 */
final class DescriptorHeadroom {
    /** Smallest reserve kept free for sockets, checkpoint files and the JVM. */
    static final int MIN_RESERVE_DESCRIPTORS = 64;
    /** Open at once while one partition is created: its log, an index for a moment, the directory. */
    static final int CREATION_TRANSIENT_DESCRIPTORS = 4;

    private DescriptorHeadroom() {
    }

    private static final System.Logger LOG = System.getLogger(DescriptorHeadroom.class.getName());

    /**
     * @throws DescriptorHeadroomException if {@code newPartitions} would not fit; the first refusal
     *                                     is logged, every one counted in {@code metrics}
     */
    static void check(String topic, int newPartitions, ResourceCache logFiles, EngineMetrics metrics) {
        long limit = ProcessDescriptors.limit();
        long open = ProcessDescriptors.open();
        if (limit <= 0 || open < 0) {
            return; // not a Unix JVM: nothing to measure against
        }
        long roomInCache = Math.max(0, (long) logFiles.maxOpen() - logFiles.openCount());
        long kept = Math.min(newPartitions, roomInCache);
        long reserve = Math.max(MIN_RESERVE_DESCRIPTORS, limit / 20);
        long projected = open + kept + CREATION_TRANSIENT_DESCRIPTORS;
        if (projected > limit - reserve) {
            DescriptorHeadroomException refusal = new DescriptorHeadroomException("Cannot create " + newPartitions + " partitions of topic '" + topic
                    + "': they would keep " + kept + " more files open, and with the " + open
                    + " open now that leaves fewer than the " + reserve + " descriptors the broker keeps in reserve"
                    + " under its limit of " + limit + " (ulimit -n). Raise the limit, lower fjord.max.open.files"
                    + " (now " + (logFiles.maxOpen() == ResourceCache.UNBOUNDED ? "unbounded" : logFiles.maxOpen())
                    + "), or create fewer partitions.");
            if (metrics.onCreationRefusedForDescriptors()) {
                LOG.log(System.Logger.Level.WARNING, refusal.getMessage()
                        + " (logged once; EngineMetrics.creationsRefusedForDescriptors counts every refusal)");
            }
            throw refusal;
        }
    }
}
