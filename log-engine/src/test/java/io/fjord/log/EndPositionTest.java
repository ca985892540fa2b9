package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Partition#endPosition()}: the log end as offset and active segment bytes, for comparing without reading. */
class EndPositionTest {
    @TempDir
    Path dir;

    @Test
    void appendsMoveTheBytesWithinASegmentAndARollChangesTheSegment() {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of("segment.bytes", "1024")));
            Partition partition = engine.partition("t", 0);
            LogEndPosition empty = partition.endPosition();
            assertEquals(new LogEndPosition(0, 0, 0), empty);

            partition.append(null, new byte[100], 1L);
            LogEndPosition one = partition.endPosition();
            assertEquals(1, one.offset());
            assertTrue(empty.sameSegmentAs(one));
            long batchBytes = one.segmentBytes();
            assertTrue(batchBytes > 100, "a batch of a 100-byte value: " + batchBytes);
            assertEquals(batchBytes, partition.read(0, Integer.MAX_VALUE).sizeBytes(),
                    "the bytes between two positions are the bytes a read returns");

            long appended = 1;
            LogEndPosition last = one;
            while (last.sameSegmentAs(partition.endPosition())) {
                last = partition.endPosition();
                partition.append(null, new byte[100], 1L);
                appended++;
            }
            LogEndPosition rolled = partition.endPosition();
            assertFalse(one.sameSegmentAs(rolled), "segment.bytes=1024 rolls");
            assertEquals(appended, rolled.offset());
            assertEquals(appended - 1, rolled.segmentBaseOffset(), "the new segment starts at the batch that rolled it");
            assertEquals(batchBytes, rolled.segmentBytes());
        }
    }
}
