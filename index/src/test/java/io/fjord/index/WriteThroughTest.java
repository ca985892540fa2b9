package io.fjord.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AbstractIndex#prepareAppends}: the writer puts the index pages ahead of its next entries
 * into the page cache with a write of zeros, so its stores through the mapping never fault into
 * the preallocated hole (where mmap read-around would zero-fill up to read_ahead_kb at once). It
 * must never disturb an entry that is already there.
 */
class WriteThroughTest
{
    private static final long BASE_OFFSET = 5_000L;
    private static final int MAX_INDEX_BYTES = 10 * 1024 * 1024;
    /** Entries of 8 bytes filling several write-through chunks. */
    private static final int ENTRIES = 3 * MappedIndexFile.WRITE_THROUGH_CHUNK_BYTES / OffsetIndex.ENTRY_SIZE + 17;

    @TempDir
    Path dir;

    private Path file()
    {
        return dir.resolve(IndexFileNames.offsetIndexFileName(BASE_OFFSET));
    }

    @Test
    void appendsAfterPreparingTakeNoMajorFaultOnThisThread() throws IOException
    {
        final Path stat = Path.of("/proc/thread-self/stat");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(stat), "no /proc/thread-self on this OS");
        try (OffsetIndex index = new OffsetIndex(file(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.prepareAppends(ENTRIES);
            index.append(BASE_OFFSET, 0); // runs the append path once before counting
            final long faultsBefore = majorFaults(stat);
            for (int i = 1; i < ENTRIES; i++)
            {
                index.append(BASE_OFFSET + i, i * 100);
            }
            assertEquals(0, majorFaults(stat) - faultsBefore,
                "stores into written-through pages need no read from the file");
        }
    }

    @Test
    void preparingAReopenedIndexKeepsItsEntries() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(file(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            appendRange(index, 0, ENTRIES);
        }
        assertEquals((long)ENTRIES * OffsetIndex.ENTRY_SIZE, Files.size(file()), "closed index trimmed");
        try (OffsetIndex index = new OffsetIndex(file(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(ENTRIES, index.entries());
            index.prepareAppends(ENTRIES);
            assertRange(index, 0, ENTRIES);
            appendRange(index, ENTRIES, 2 * ENTRIES);
            assertRange(index, 0, 2 * ENTRIES);
        }
    }

    @Test
    void preparingAfterATrimAndTruncationWritesThroughTheReturnedHole() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(file(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.prepareAppends(2 * ENTRIES);
            appendRange(index, 0, ENTRIES);
            index.trimToValidSize();
            // Truncation re-extends the file: the pages beyond the trimmed end are a hole again.
            index.truncateTo(BASE_OFFSET + ENTRIES / 2);
            index.prepareAppends(ENTRIES);
            assertRange(index, 0, ENTRIES / 2);
            appendRange(index, ENTRIES / 2, 2 * ENTRIES);
            assertRange(index, 0, 2 * ENTRIES);
        }
    }

    @Test
    void appendsBeyondThePreparedPagesStillWork() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(file(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.prepareAppends(1);
            appendRange(index, 0, ENTRIES);
            assertRange(index, 0, ENTRIES);
        }
    }

    @Test
    void preparingIsCappedAtTheIndexSizeAndChecksItsArgument() throws IOException
    {
        final OffsetIndex index = new OffsetIndex(file(), BASE_OFFSET, 800);
        try (index)
        {
            index.prepareAppends(1_000_000);
            appendRange(index, 0, 100);
            assertEquals(100, index.maxEntries());
            index.prepareAppends(1);
            assertThrows(IllegalArgumentException.class, () -> index.prepareAppends(-1));
        }
        assertThrows(IllegalStateException.class, () -> index.prepareAppends(1));
    }

    private static void appendRange(final OffsetIndex index, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            index.append(BASE_OFFSET + i, i * 100);
        }
    }

    private static void assertRange(final OffsetIndex index, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            final long entry = index.entry(i);
            assertEquals(i, OffsetIndex.relativeOffset(entry), "relative offset of entry " + i);
            assertEquals(i * 100, OffsetIndex.position(entry), "position of entry " + i);
        }
    }

    /** Field 12 of /proc/thread-self/stat; the command name (field 2) may hold spaces, so count after ')'. */
    private static long majorFaults(final Path stat) throws IOException
    {
        final String line = Files.readString(stat);
        final String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[9]);
    }
}
