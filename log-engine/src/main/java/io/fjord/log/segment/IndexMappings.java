package io.fjord.log.segment;

import io.fjord.index.OffsetIndex;
import io.fjord.index.TimeIndex;
import io.fjord.log.io.Evictable;
import io.fjord.log.io.ResourceCache;

import java.io.IOException;

/**
 * A segment's claim on memory mappings for its two indexes, in the engine's bounded cache of
 * them ({@code fjord.max.mapped.segments}): Linux caps the mappings of a process
 * ({@code vm.max_map_count}, 65,530 by default), and at two per segment tens of thousands of
 * partitions would exhaust it. Every index use of the segment is pinned ({@link LogSegment}
 * brackets them), so the cache unmaps only indexes nobody is using; the indexes map themselves
 * again on their next use. Unmapping under a reader would crash the JVM on JDK 17-21 (see
 * {@code MappedRegion}), which is why pinning, not timing, decides.
 */
final class IndexMappings extends Evictable {
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;

    IndexMappings(ResourceCache cache, OffsetIndex offsetIndex, TimeIndex timeIndex) {
        super(cache);
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
    }

    void pin() throws IOException {
        acquire();
    }

    void unpin() {
        release();
    }

    /** No more pins: the segment is closing (its indexes unmap themselves on close). */
    void retireNow() throws IOException {
        retire();
    }

    @Override
    protected void doOpen() {
        // Nothing to do: the indexes map lazily on the use this pin brackets.
    }

    @Override
    protected void doClose() throws IOException {
        offsetIndex.unmap();
        timeIndex.unmap();
    }

    @Override
    protected IOException retiredException() {
        return new IOException("Indexes " + offsetIndex.file() + " are closed");
    }

    @Override
    public String toString() {
        return "index mappings of " + offsetIndex.file();
    }
}
