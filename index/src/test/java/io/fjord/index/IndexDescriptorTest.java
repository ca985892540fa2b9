package io.fjord.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open index holds no file descriptor (issue 11, point 13): the mapping outlives the channel,
 * and the writes that need the file (write-through, trim, re-extension, flush) open it only for
 * their own duration, across a rename too.
 */
class IndexDescriptorTest
{
    private static final Path FDS = Path.of("/proc/self/fd");

    @TempDir
    Path dir;

    @Test
    void openIndexesHoldNoDescriptorWhileAppendingTrimmingAndReextending() throws IOException
    {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd (Linux)");
        final Path offsetFile = dir.resolve("00000000000000000000.index");
        final Path timeFile = dir.resolve("00000000000000000000.timeindex");
        try (OffsetIndex offsets = new OffsetIndex(offsetFile, 0, 1024 * 1024);
            TimeIndex times = new TimeIndex(timeFile, 0, 1024 * 1024))
        {
            assertEquals(0, descriptorsUnder(dir), "after opening");
            for (int i = 0; i < 20_000; i++)
            {
                if (i % 1000 == 0)
                {
                    offsets.prepareAppends(1000);
                    times.prepareAppends(1000);
                }
                offsets.append(i * 10L, i * 100);
                times.maybeAppend(1_000L + i, i * 10L);
            }
            offsets.flush();
            times.flush();
            offsets.trimToValidSize();
            times.trimToValidSize();
            assertEquals(20_000 * OffsetIndex.ENTRY_SIZE, Files.size(offsetFile));
            offsets.truncateTo(10_000 * 10L); // re-extends the trimmed file
            assertEquals(0, descriptorsUnder(dir), "after appends, flush, trim and re-extension");
            final Path renamed = dir.resolve("00000000000000000000.index.deleted");
            offsets.renameTo(renamed);
            offsets.trimToValidSize();
            assertEquals(10_000 * OffsetIndex.ENTRY_SIZE, Files.size(renamed), "the trim follows the rename");
            assertEquals(10_000, offsets.entries());
            assertEquals(9_999 * 10L, offsets.lastOffset());
            assertEquals(0, descriptorsUnder(dir));
        }
    }

    /** Open descriptors of this process that point into {@code directory}. */
    private static int descriptorsUnder(final Path directory) throws IOException
    {
        final Path real = directory.toRealPath();
        int count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS))
        {
            for (final Path fd : fds)
            {
                try
                {
                    if (Files.readSymbolicLink(fd).startsWith(real))
                    {
                        count++;
                    }
                }
                catch (final IOException e)
                {
                    // closed between listing and reading: not open any more
                }
            }
        }
        return count;
    }
}
