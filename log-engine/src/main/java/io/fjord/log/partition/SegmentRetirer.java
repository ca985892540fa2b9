package io.fjord.log.partition;

import io.fjord.log.segment.LogSegment;

/**
 * Takes segments that retention removed from a log and deletes their files later. The delay
 * ({@code file.delete.delay.ms}) lets readers that looked a segment up just before its removal
 * finish with its channel and index mappings; unmapping under a reader would crash the JVM.
 */
@FunctionalInterface
public interface SegmentRetirer {
    void retire(LogSegment segment, long delayMs);
}
