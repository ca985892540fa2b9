package io.fjord.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fjord.testsupport.TestSeeds;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest
{
    private static final long BASE_OFFSET = 500L;
    private static final int MAX_INDEX_BYTES = 12 * 100_000;

    @TempDir
    Path dir;

    private Path indexFile()
    {
        return dir.resolve(IndexFileNames.timeIndexFileName(BASE_OFFSET));
    }

    @Test
    void emptyIndex() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, 12 * 10 + 11))
        {
            assertEquals(0, index.entries());
            assertEquals(10, index.maxEntries());
            assertEquals(TimeIndex.NO_TIMESTAMP, index.lastTimestamp());
            assertEquals(BASE_OFFSET, index.lastOffset());
            assertEquals(BASE_OFFSET, index.lookup(Long.MAX_VALUE));
            assertEquals(120, Files.size(indexFile()));
        }
    }

    @Test
    void maybeAppendOnlyAppendsLargerTimestamps() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.maybeAppend(1_000, BASE_OFFSET + 10);
            index.maybeAppend(1_000, BASE_OFFSET + 20); // same timestamp: skipped
            index.maybeAppend(900, BASE_OFFSET + 30);   // older timestamp: skipped
            index.maybeAppend(2_000, BASE_OFFSET + 30); // same offset as before is fine
            index.maybeAppend(3_000, BASE_OFFSET + 30);
            assertEquals(3, index.entries());
            assertEquals(3_000, index.lastTimestamp());
            assertEquals(BASE_OFFSET + 30, index.lastOffset());
            assertEquals(1_000, index.timestampAt(0));
            assertEquals(BASE_OFFSET + 10, index.offsetAt(0));
            assertThrows(IndexOutOfBoundsException.class, () -> index.timestampAt(3));
            assertThrows(IndexOutOfBoundsException.class, () -> index.offsetAt(-1));
        }
    }

    @Test
    void maybeAppendRejectsBadOffsets() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            final IllegalArgumentException belowBase =
                assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(1, BASE_OFFSET - 1));
            assertTrue(belowBase.getMessage().contains(indexFile().toString()), belowBase.getMessage());
            assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(1, BASE_OFFSET + Integer.MAX_VALUE + 1L));
            index.maybeAppend(10, BASE_OFFSET + 50);
            final IllegalArgumentException goesBack =
                assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(20, BASE_OFFSET + 49));
            assertTrue(goesBack.getMessage().contains("549") && goesBack.getMessage().contains("550"), goesBack.getMessage());
            // An offset going back is an error even when the timestamp would be skipped.
            assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(5, BASE_OFFSET + 49));
            index.maybeAppend(30, BASE_OFFSET + Integer.MAX_VALUE);
            assertEquals(BASE_OFFSET + Integer.MAX_VALUE, index.lastOffset());
        }
    }

    @Test
    void floorLookupAroundEveryEntry() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.maybeAppend(100, BASE_OFFSET + 1);
            index.maybeAppend(200, BASE_OFFSET + 5);
            index.maybeAppend(300, BASE_OFFSET + 9);
            assertEquals(BASE_OFFSET, index.lookup(Long.MIN_VALUE));
            assertEquals(BASE_OFFSET, index.lookup(99));
            assertEquals(BASE_OFFSET + 1, index.lookup(100));
            assertEquals(BASE_OFFSET + 1, index.lookup(199));
            assertEquals(BASE_OFFSET + 5, index.lookup(200));
            assertEquals(BASE_OFFSET + 9, index.lookup(300));
            assertEquals(BASE_OFFSET + 9, index.lookup(Long.MAX_VALUE));
        }
    }

    @Test
    void lookupsHitWarmAndColdSections() throws IOException
    {
        final int count = 2000; // warm section is 8192 / 12 = 682 entries
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (int i = 0; i < count; i++)
            {
                index.maybeAppend(1_000_000L + 10L * i, BASE_OFFSET + 2L * i);
            }
            for (long timestamp = 999_990; timestamp < 1_000_000L + 10L * count + 10; timestamp++)
            {
                final long slot = Math.min(count - 1, (timestamp - 1_000_000L) / 10);
                final long expected = timestamp < 1_000_000L ? BASE_OFFSET : BASE_OFFSET + 2L * slot;
                assertEquals(expected, index.lookup(timestamp), "timestamp " + timestamp);
            }
        }
    }

    @Test
    void randomizedLookupsMatchTreeMapFloor() throws IOException
    {
        final long seed = TestSeeds.seed("TimeIndexTest.randomizedLookupsMatchTreeMapFloor");
        final Random random = new Random(seed);
        final TreeMap<Long, Long> reference = new TreeMap<>();
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            long timestamp = random.nextInt(1000);
            long offset = BASE_OFFSET;
            final int appends = random.nextInt(10_000);
            for (int i = 0; i < appends; i++)
            {
                // Timestamps wander (skipped appends included); offsets never go back.
                final long candidate = timestamp + random.nextInt(100) - 30;
                index.maybeAppend(candidate, offset);
                if (reference.isEmpty() || candidate > reference.lastKey())
                {
                    reference.put(candidate, offset);
                }
                timestamp = Math.max(timestamp, candidate);
                offset += random.nextInt(5);
            }
            assertEquals(reference.size(), index.entries(), "seed " + seed);
            for (int i = 0; i < 20_000; i++)
            {
                final long target = -100 + (long)(random.nextDouble() * (timestamp + 200));
                final Map.Entry<Long, Long> floor = reference.floorEntry(target);
                assertEquals(floor == null ? BASE_OFFSET : floor.getValue(), index.lookup(target),
                    "seed " + seed + ", target " + target);
            }
        }
    }

    @Test
    void isFullReservesTheLastSlot() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, 3 * TimeIndex.ENTRY_SIZE))
        {
            index.maybeAppend(1, BASE_OFFSET);
            assertFalse(index.isFull());
            index.maybeAppend(2, BASE_OFFSET + 1);
            assertTrue(index.isFull(), "entries >= maxEntries - 1");
            index.maybeAppend(3, BASE_OFFSET + 2); // the reserved slot, e.g. for the roll
            assertEquals(3, index.entries());
            index.maybeAppend(3, BASE_OFFSET + 3); // skipped, so not an error even when full
            final IllegalStateException full =
                assertThrows(IllegalStateException.class, () -> index.maybeAppend(4, BASE_OFFSET + 3));
            assertTrue(full.getMessage().contains(indexFile().toString()), full.getMessage());
        }
    }

    @Test
    void truncateToEveryBoundary() throws IOException
    {
        final int count = 30;
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (long target = BASE_OFFSET - 2; target <= BASE_OFFSET + 3L * count + 2; target++)
            {
                index.reset();
                for (int i = 0; i < count; i++)
                {
                    index.maybeAppend(100L * (i + 1), BASE_OFFSET + 3L * i);
                }
                index.truncateTo(target);
                final long relative = target - BASE_OFFSET;
                final int expected = (int)Math.max(0, Math.min(count, (relative + 2) / 3));
                assertEquals(expected, index.entries(), "truncateTo " + target);
                assertEquals(expected == 0 ? TimeIndex.NO_TIMESTAMP : 100L * expected, index.lastTimestamp());
                assertEquals(expected == 0 ? BASE_OFFSET : BASE_OFFSET + 3L * (expected - 1), index.lookup(Long.MAX_VALUE));
            }
        }
    }

    @Test
    void truncateRemovesEveryEntryAtOrAboveTheOffsetWithRepeatedOffsets() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.maybeAppend(10, BASE_OFFSET + 1);
            index.maybeAppend(20, BASE_OFFSET + 4);
            index.maybeAppend(30, BASE_OFFSET + 4);
            index.maybeAppend(40, BASE_OFFSET + 6);
            index.truncateTo(BASE_OFFSET + 4);
            assertEquals(1, index.entries());
            assertEquals(10, index.lastTimestamp());
        }
    }

    @Test
    void closeTrimsAndReopenRestoresEntries() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (int i = 0; i < 1000; i++)
            {
                index.maybeAppend(5_000L + i, BASE_OFFSET + i);
            }
        }
        assertEquals(1000L * TimeIndex.ENTRY_SIZE, Files.size(indexFile()));
        try (TimeIndex reopened = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(1000, reopened.entries());
            assertEquals(5_999, reopened.lastTimestamp());
            assertEquals(BASE_OFFSET + 999, reopened.lastOffset());
            reopened.sanityCheck();
            reopened.maybeAppend(7_000, BASE_OFFSET + 1000);
            assertEquals(BASE_OFFSET + 1000, reopened.lookup(7_000));
        }
        try (TimeIndex again = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(1001, again.entries());
        }
    }

    @Test
    void fileFormatIsKafkasBigEndianLayout() throws IOException
    {
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.maybeAppend(0x0102_0304_0506_0708L, BASE_OFFSET + 0x0A0B_0C0DL);
            index.maybeAppend(0x0102_0304_0506_0709L, BASE_OFFSET + 0x0A0B_0C0EL);
        }
        final byte[] bytes = IndexFiles.readAll(indexFile());
        assertEquals(24, bytes.length);
        final byte[] first = {1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x0B, 0x0C, 0x0D};
        for (int i = 0; i < first.length; i++)
        {
            assertEquals(first[i], bytes[i], "byte " + i);
        }
        try (InputStream in = Files.newInputStream(indexFile()); DataInputStream data = new DataInputStream(in))
        {
            assertEquals(0x0102_0304_0506_0708L, data.readLong());
            assertEquals(0x0A0B_0C0D, data.readInt());
            assertEquals(0x0102_0304_0506_0709L, data.readLong());
            assertEquals(0x0A0B_0C0E, data.readInt());
        }
    }

    @Test
    void sanityCheckCatchesGarbageAndDisorder() throws IOException
    {
        final long seed = TestSeeds.seed("TimeIndexTest.sanityCheckCatchesGarbageAndDisorder");
        final byte[] garbage = new byte[50 * TimeIndex.ENTRY_SIZE];
        new Random(seed).nextBytes(garbage);
        assertCorrupt(ByteBuffer.wrap(garbage).position(garbage.length), "random bytes, seed " + seed);
        assertCorrupt(entries(10, 1, 10, 2), "repeated timestamp");
        assertCorrupt(entries(10, 1, 9, 2), "timestamp goes back");
        assertCorrupt(entries(10, 5, 20, 4), "offset goes back");
        assertCorrupt(entries(10, -1), "negative relative offset");

        IndexFiles.write(indexFile(), entries(10, 0, 20, 0, 30, 7));
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.sanityCheck();
        }
        Files.delete(indexFile());

        Files.write(indexFile(), new byte[TimeIndex.ENTRY_SIZE * 2 + 8]);
        final CorruptIndexException badLength = assertThrows(CorruptIndexException.class,
            () -> new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES));
        assertTrue(badLength.getMessage().contains(indexFile().toString()), badLength.getMessage());
    }

    @Test
    void closeUnmapsAndTheIndexCanBeRecreated() throws IOException
    {
        assumeTrue(IndexFiles.procMapsAvailable(), "needs Linux /proc/self/maps");
        final TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES);
        final String realPath = indexFile().toRealPath().toString();
        index.maybeAppend(1, BASE_OFFSET);
        assertTrue(IndexFiles.isMapped(realPath));
        index.close();
        assertFalse(IndexFiles.isMapped(realPath));
        Files.delete(indexFile());
        try (TimeIndex recreated = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(0, recreated.entries());
        }
        final TimeIndex doomed = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES);
        doomed.closeAndDelete();
        assertFalse(Files.exists(indexFile()));
        assertFalse(IndexFiles.isMapped(realPath));
    }

    @Test
    void renameAndTrimKeepLookupsWorking() throws IOException
    {
        final Path renamed = dir.resolve("renamed.timeindex");
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.maybeAppend(10, BASE_OFFSET + 1);
            index.renameTo(renamed);
            index.trimToValidSize();
            assertEquals(12, Files.size(renamed));
            assertTrue(index.isFull());
            assertEquals(BASE_OFFSET + 1, index.lookup(11));
            index.flush();
        }
        assertEquals(12, Files.size(renamed));
        assertFalse(Files.exists(indexFile()));
    }

    private static ByteBuffer entries(final long... timestampOffsetPairs)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(timestampOffsetPairs.length / 2 * TimeIndex.ENTRY_SIZE);
        for (int i = 0; i < timestampOffsetPairs.length; i += 2)
        {
            buffer.putLong(timestampOffsetPairs[i]).putInt((int)timestampOffsetPairs[i + 1]);
        }
        return buffer;
    }

    private void assertCorrupt(final ByteBuffer entries, final String why) throws IOException
    {
        IndexFiles.write(indexFile(), entries);
        try (TimeIndex index = new TimeIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            final CorruptIndexException e = assertThrows(CorruptIndexException.class, index::sanityCheck, why);
            assertTrue(e.getMessage().contains(indexFile().toString()), e.getMessage());
        }
        Files.delete(indexFile());
    }
}
