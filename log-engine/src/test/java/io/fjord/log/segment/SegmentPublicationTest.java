package io.fjord.log.segment;

import io.fjord.log.FileRegion;
import io.fjord.log.TestRecords;
import io.fjord.log.io.FileIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Written batches stay invisible until published: the partition publishes its end offset first,
 * so a reader can never see a batch whose offsets lie past the end offset it reads.
 */
class SegmentPublicationTest {
    @TempDir
    Path dir;

    @Test
    void writtenBatchesAreInvisibleUntilPublished() throws IOException {
        try (LogSegment segment = LogSegment.create(dir, 0, 4096, 1024, FileIo.DEFAULT, 0)) {
            ByteBuffer first = TestRecords.batch(0, 2, 1);
            segment.write(first);
            assertEquals(0, segment.sizeBytes());
            assertNull(segment.read(0, 1024), "not published yet");
            segment.publish();
            FileRegion region = segment.read(0, 1024);
            assertEquals(first.remaining(), region.sizeBytes());

            ByteBuffer second = TestRecords.batch(2, 1, 1);
            second.putLong(0, 2); // its base offset, as the partition would assign it
            segment.write(second);
            assertNull(segment.read(2, 1024), "the second batch is not visible yet");
            assertEquals(first.remaining(), segment.read(0, 1024).sizeBytes());
            segment.publish();
            assertEquals(first.remaining(), segment.read(2, 1024).position());
        }
    }
}
