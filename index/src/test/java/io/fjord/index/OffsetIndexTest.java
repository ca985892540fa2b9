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

class OffsetIndexTest
{
    private static final long BASE_OFFSET = 1_000L;
    private static final int MAX_INDEX_BYTES = 10 * 1024 * 1024;

    @TempDir
    Path dir;

    private Path indexFile()
    {
        return dir.resolve(IndexFileNames.offsetIndexFileName(BASE_OFFSET));
    }

    private static long packed(final int relativeOffset, final int position)
    {
        return ((long)relativeOffset << 32) | (position & 0xFFFF_FFFFL);
    }

    @Test
    void newIndexIsEmptyAndPreallocated() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, 1000))
        {
            assertEquals(0, index.entries());
            assertEquals(125, index.maxEntries());
            assertEquals(BASE_OFFSET, index.lastOffset());
            assertEquals(0L, index.lookup(BASE_OFFSET + 5));
            assertEquals(1000, Files.size(indexFile()));
            assertEquals("00000000000000001000.index", index.file().getFileName().toString());
        }
        assertEquals(0, Files.size(indexFile()), "close trims an empty index to 0 bytes");
    }

    @Test
    void maxIndexBytesIsRoundedDownToWholeEntries() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, 8 * 10 + 7))
        {
            assertEquals(10, index.maxEntries());
            assertEquals(0, Files.size(indexFile()), "mapped (and preallocated) on first use, not on open");
            index.lookup(BASE_OFFSET);
            assertEquals(80, Files.size(indexFile()));
        }
    }

    @Test
    void floorLookupAroundEveryEntry() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.append(BASE_OFFSET + 10, 100);
            index.append(BASE_OFFSET + 20, 200);
            index.append(BASE_OFFSET + 30, 300);

            assertEquals(0L, index.lookup(BASE_OFFSET - 1), "below the base offset");
            assertEquals(0L, index.lookup(BASE_OFFSET), "at the base, below the first entry");
            assertEquals(0L, index.lookup(BASE_OFFSET + 9), "just below the first entry");
            assertEquals(packed(10, 100), index.lookup(BASE_OFFSET + 10), "equal to the first");
            assertEquals(packed(10, 100), index.lookup(BASE_OFFSET + 19), "between");
            assertEquals(packed(20, 200), index.lookup(BASE_OFFSET + 20), "equal to the middle");
            assertEquals(packed(30, 300), index.lookup(BASE_OFFSET + 30), "equal to the last");
            assertEquals(packed(30, 300), index.lookup(Long.MAX_VALUE), "far above the last");
            assertEquals(200, index.floorPosition(BASE_OFFSET + 25));
            assertEquals(0, index.floorPosition(BASE_OFFSET + 5));
            assertEquals(20, OffsetIndex.relativeOffset(index.lookup(BASE_OFFSET + 29)));
            assertEquals(BASE_OFFSET + 30, index.lastOffset());
            assertEquals(packed(20, 200), index.entry(1));
        }
    }

    @Test
    void packedEntryKeepsPositionsAboveTwoGiBUnsigned()
    {
        final long entry = packed(7, -5);
        assertEquals(7, OffsetIndex.relativeOffset(entry));
        assertEquals(-5, OffsetIndex.position(entry));
        assertEquals(Integer.MAX_VALUE, OffsetIndex.relativeOffset(packed(Integer.MAX_VALUE, Integer.MAX_VALUE)));
    }

    @Test
    void lookupsHitWarmAndColdSections() throws IOException
    {
        final int count = 3000; // warm section is 8192 / 8 = 1024 entries, so ~2000 are cold
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (int i = 0; i < count; i++)
            {
                index.append(BASE_OFFSET + 5L * i + 3, 4096 * i);
            }
            assertEquals(0L, index.lookup(BASE_OFFSET + 2));
            for (long relative = 3; relative < 5L * count + 20; relative++)
            {
                final int expectedSlot = (int)Math.min(count - 1, (relative - 3) / 5);
                final long result = index.lookup(BASE_OFFSET + relative);
                assertEquals(packed(expectedSlot * 5 + 3, 4096 * expectedSlot), result, "target relative " + relative);
            }
        }
    }

    @Test
    void randomizedLookupsMatchTreeMapFloor() throws IOException
    {
        final long seed = TestSeeds.seed("OffsetIndexTest.randomizedLookupsMatchTreeMapFloor");
        final Random random = new Random(seed);
        final TreeMap<Long, Integer> reference = new TreeMap<>();
        final int count = 1 + random.nextInt(5000);
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            long offset = BASE_OFFSET + random.nextInt(3);
            int position = 0;
            for (int i = 0; i < count; i++)
            {
                index.append(offset, position);
                reference.put(offset, position);
                offset += 1 + random.nextInt(random.nextBoolean() ? 3 : 1000);
                position += random.nextInt(100_000);
            }
            for (int i = 0; i < 20_000; i++)
            {
                final long target = BASE_OFFSET - 10 + (long)(random.nextDouble() * (offset - BASE_OFFSET + 20));
                final Map.Entry<Long, Integer> floor = reference.floorEntry(target);
                final long expected = floor == null ? 0L : packed((int)(floor.getKey() - BASE_OFFSET), floor.getValue());
                assertEquals(expected, index.lookup(target), "seed " + seed + ", target " + target);
            }
        }
    }

    @Test
    void appendRejectsBadArgumentsWithUsefulMessages() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            final String name = indexFile().getFileName().toString();
            final IllegalArgumentException belowBase =
                assertThrows(IllegalArgumentException.class, () -> index.append(BASE_OFFSET - 1, 0));
            assertTrue(belowBase.getMessage().contains(name) && belowBase.getMessage().contains("999"),
                belowBase.getMessage());
            assertThrows(IllegalArgumentException.class,
                () -> index.append(BASE_OFFSET + Integer.MAX_VALUE + 1L, 0), "relative offset overflow");
            assertThrows(IllegalArgumentException.class, () -> index.append(BASE_OFFSET, -1), "negative position");

            index.append(BASE_OFFSET + Integer.MAX_VALUE - 1L, 50);
            final IllegalArgumentException notIncreasing =
                assertThrows(IllegalArgumentException.class, () -> index.append(BASE_OFFSET + Integer.MAX_VALUE - 1L, 60));
            assertTrue(notIncreasing.getMessage().contains(name), notIncreasing.getMessage());
            final IllegalArgumentException positionBack =
                assertThrows(IllegalArgumentException.class, () -> index.append(BASE_OFFSET + Integer.MAX_VALUE, 49));
            assertTrue(positionBack.getMessage().contains("49") && positionBack.getMessage().contains("50"),
                positionBack.getMessage());

            index.append(BASE_OFFSET + Integer.MAX_VALUE, 50); // equal positions are allowed, max relative offset
            assertEquals(2, index.entries());
            assertEquals(BASE_OFFSET + Integer.MAX_VALUE, index.lastOffset());
        }
    }

    @Test
    void fullIndexRejectsAppendsButKeepsAnswering() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, 4 * OffsetIndex.ENTRY_SIZE))
        {
            for (int i = 0; i < 4; i++)
            {
                assertFalse(index.isFull());
                index.append(BASE_OFFSET + i, i * 10);
            }
            assertTrue(index.isFull());
            final IllegalStateException full =
                assertThrows(IllegalStateException.class, () -> index.append(BASE_OFFSET + 10, 100));
            assertTrue(full.getMessage().contains(indexFile().getFileName().toString()), full.getMessage());
            assertEquals(4, index.entries());
            assertEquals(packed(3, 30), index.lookup(BASE_OFFSET + 100));
        }
    }

    @Test
    void zeroSizeIndexIsAlwaysFull() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, 7))
        {
            assertEquals(0, index.maxEntries());
            assertTrue(index.isFull());
            assertThrows(IllegalStateException.class, () -> index.append(BASE_OFFSET, 0));
        }
    }

    @Test
    void truncateToEveryBoundary() throws IOException
    {
        final int count = 40;
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (long target = BASE_OFFSET - 2; target <= BASE_OFFSET + 2L * count + 2; target++)
            {
                index.reset();
                for (int i = 0; i < count; i++)
                {
                    index.append(BASE_OFFSET + 2L * i, 10 * i); // offsets base, base+2, ...
                }
                index.truncateTo(target);
                final long relative = target - BASE_OFFSET;
                final int expected = (int)Math.max(0, Math.min(count, (relative + 1) / 2));
                assertEquals(expected, index.entries(), "truncateTo " + target);
                assertEquals(expected == 0 ? BASE_OFFSET : BASE_OFFSET + 2L * (expected - 1), index.lastOffset());
                assertEquals(expected == 0 ? 0L : packed(2 * (expected - 1), 10 * (expected - 1)),
                    index.lookup(Long.MAX_VALUE), "truncateTo " + target);
                // Appending continues right after the cut.
                index.append(Math.max(BASE_OFFSET + 2L * expected - 1, BASE_OFFSET), 10 * expected);
                assertEquals(expected + 1, index.entries());
            }
        }
    }

    @Test
    void closeTrimsAndReopenRestoresEntries() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (int i = 0; i < 2000; i++)
            {
                index.append(BASE_OFFSET + 3L * i, 100 * i);
            }
        }
        assertEquals(2000L * OffsetIndex.ENTRY_SIZE, Files.size(indexFile()));

        try (OffsetIndex reopened = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(2000, reopened.entries());
            assertEquals(MAX_INDEX_BYTES / 8, reopened.maxEntries());
            assertEquals(BASE_OFFSET + 3L * 1999, reopened.lastOffset());
            assertEquals(MAX_INDEX_BYTES, Files.size(indexFile()), "preallocated again on first use");
            assertEquals(packed(3 * 1000, 100 * 1000), reopened.lookup(BASE_OFFSET + 3000 + 2));
            reopened.sanityCheck(100L * 2000);
            reopened.append(BASE_OFFSET + 3L * 2000, 100 * 2000);
            assertEquals(packed(3 * 2000, 100 * 2000), reopened.lookup(Long.MAX_VALUE));
        }
        try (OffsetIndex again = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(2001, again.entries());
        }
    }

    @Test
    void existingFileLargerThanMaxKeepsItsEntries() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (int i = 0; i < 100; i++)
            {
                index.append(BASE_OFFSET + i, i);
            }
        }
        try (OffsetIndex smaller = new OffsetIndex(indexFile(), BASE_OFFSET, 10 * OffsetIndex.ENTRY_SIZE))
        {
            assertEquals(100, smaller.entries());
            assertEquals(100, smaller.maxEntries());
            assertTrue(smaller.isFull());
            assertEquals(packed(99, 99), smaller.lookup(Long.MAX_VALUE));
        }
        assertEquals(800, Files.size(indexFile()));
    }

    @Test
    void trimWhileReadableThenTruncateRegrowsTheFile() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            for (int i = 0; i < 1500; i++)
            {
                index.append(BASE_OFFSET + i, 10 * i);
            }
            index.trimToValidSize();
            assertEquals(1500L * 8, Files.size(indexFile()));
            assertTrue(index.isFull(), "a trimmed index takes no more entries");
            assertEquals(1500, index.maxEntries());
            assertThrows(IllegalStateException.class, () -> index.append(BASE_OFFSET + 5000, 1_000_000));
            // Lookups still read through the original mapping: every valid entry is below EOF.
            for (int i = 0; i < 1500; i++)
            {
                assertEquals(packed(i, 10 * i), index.lookup(BASE_OFFSET + i));
            }

            index.truncateTo(BASE_OFFSET + 1000);
            assertEquals(MAX_INDEX_BYTES, Files.size(indexFile()), "truncation re-extends a trimmed file");
            assertFalse(index.isFull());
            for (int i = 1000; i < 3000; i++)
            {
                index.append(BASE_OFFSET + i, 10 * i); // writes beyond the old EOF, into the kept mapping
            }
            assertEquals(packed(2999, 29990), index.lookup(Long.MAX_VALUE));
            index.flush();
        }
        try (OffsetIndex reopened = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(3000, reopened.entries());
            reopened.sanityCheck(30_000);
        }
    }

    @Test
    void resetEmptiesAndKeepsPreallocation() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, 800))
        {
            index.append(BASE_OFFSET + 1, 1);
            index.trimToValidSize();
            index.reset();
            assertEquals(0, index.entries());
            assertEquals(100, index.maxEntries());
            assertEquals(800, Files.size(indexFile()));
            assertEquals(0L, index.lookup(BASE_OFFSET + 1));
            index.append(BASE_OFFSET, 0);
            assertEquals(1, index.entries());
        }
    }

    @Test
    void entryOutOfBounds() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, 800))
        {
            index.append(BASE_OFFSET, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> index.entry(1));
            assertThrows(IndexOutOfBoundsException.class, () -> index.entry(-1));
        }
    }

    @Test
    void fileFormatIsKafkasBigEndianLayout() throws IOException
    {
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.append(BASE_OFFSET + 1, 0x0102_0304);
            index.append(BASE_OFFSET + 0x7F00_0000L, 0x7FFF_FFF0);
        }
        final byte[] bytes = IndexFiles.readAll(indexFile());
        assertEquals(16, bytes.length);
        final byte[] expected = {
            0, 0, 0, 1, 1, 2, 3, 4,
            0x7F, 0, 0, 0, 0x7F, (byte)0xFF, (byte)0xFF, (byte)0xF0};
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], bytes[i], "byte " + i);
        }
        try (InputStream in = Files.newInputStream(indexFile()); DataInputStream data = new DataInputStream(in))
        {
            assertEquals(1, data.readInt());
            assertEquals(0x0102_0304, data.readInt());
            assertEquals(0x7F00_0000, data.readInt());
            assertEquals(0x7FFF_FFF0, data.readInt());
        }
    }

    @Test
    void sanityCheckCatchesRandomGarbage() throws IOException
    {
        final long seed = TestSeeds.seed("OffsetIndexTest.sanityCheckCatchesRandomGarbage");
        final byte[] garbage = new byte[64 * OffsetIndex.ENTRY_SIZE];
        new Random(seed).nextBytes(garbage);
        Files.write(indexFile(), garbage);
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(64, index.entries());
            final CorruptIndexException e =
                assertThrows(CorruptIndexException.class, () -> index.sanityCheck(Integer.MAX_VALUE), "seed " + seed);
            assertTrue(e.getMessage().contains(indexFile().toString()), e.getMessage());
        }
    }

    @Test
    void lengthNotAMultipleOfEntrySizeIsCorrupt() throws IOException
    {
        Files.write(indexFile(), new byte[8 * 3 + 5]);
        final CorruptIndexException e = assertThrows(CorruptIndexException.class,
            () -> new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES));
        assertTrue(e.getMessage().contains(indexFile().toString()) && e.getMessage().contains("29"), e.getMessage());
        assertEquals(29, Files.size(indexFile()), "a corrupt file is left as found");
    }

    @Test
    void sanityCheckCatchesNonMonotonicEntries() throws IOException
    {
        assertCorrupt(entries(1, 10, 3, 20, 2, 30), 1000, "relative offsets go down");
        assertCorrupt(entries(1, 10, 1, 20), 1000, "relative offsets repeat");
        assertCorrupt(entries(1, 10, 2, 5), 1000, "positions go down");
        assertCorrupt(entries(-1, 0), 1000, "negative relative offset");
        assertCorrupt(entries(1, 10, 2, 1000), 1000, "position at the log end");
        assertCorrupt(entries(1, 10), 0, "position in an empty log");
        assertCorrupt(entries(0, 0, 0, 0, 0, 0), 1000, "trailing zeros of an unclean shutdown");
        assertSane(entries(0, 0, 1, 0), 0);
        assertSane(entries(0, 0, 5, 10, 9, 10, 10, 999), 1000);
    }

    @Test
    void closeUnmapsSoTheFileCanBeDeletedAndRecreated() throws IOException
    {
        assumeTrue(IndexFiles.procMapsAvailable(), "needs Linux /proc/self/maps");
        final OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES);
        final String realPath = indexFile().toRealPath().toString();
        index.append(BASE_OFFSET + 7, 70);
        assertTrue(IndexFiles.isMapped(realPath), "mapped while open");

        index.close();
        index.close(); // idempotent
        assertFalse(IndexFiles.isMapped(realPath), "close() must unmap");
        assertThrows(IllegalStateException.class, () -> index.lookup(BASE_OFFSET), "use after close fails cleanly");

        Files.delete(indexFile());
        try (OffsetIndex recreated = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertEquals(0, recreated.entries());
            recreated.append(BASE_OFFSET + 1, 1);
            assertEquals(packed(1, 1), recreated.lookup(BASE_OFFSET + 5));
        }
        assertFalse(IndexFiles.isMapped(realPath));
    }

    @Test
    void closeAndDeleteUnmapsAndRemovesTheFile() throws IOException
    {
        assumeTrue(IndexFiles.procMapsAvailable(), "needs Linux /proc/self/maps");
        final OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES);
        final String realPath = indexFile().toRealPath().toString();
        index.append(BASE_OFFSET, 0);
        index.closeAndDelete();
        assertFalse(Files.exists(indexFile()));
        assertFalse(IndexFiles.isMapped(realPath));
        index.closeAndDelete();
        index.close();
    }

    @Test
    void renameKeepsTheMappingUsable() throws IOException
    {
        final Path renamed = dir.resolve(indexFile().getFileName() + ".deleted");
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.append(BASE_OFFSET + 1, 10);
            index.renameTo(renamed);
            assertEquals(renamed, index.file());
            assertFalse(Files.exists(indexFile()));
            index.append(BASE_OFFSET + 2, 20);
            assertEquals(packed(2, 20), index.lookup(BASE_OFFSET + 9));
        }
        assertEquals(16, Files.size(renamed), "close trimmed the renamed file");
    }

    @Test
    void constructorRejectsBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new OffsetIndex(indexFile(), -1, 800));
        assertThrows(IllegalArgumentException.class, () -> new OffsetIndex(indexFile(), BASE_OFFSET, -8));
    }

    @Test
    void fileNamesAreTwentyDigits()
    {
        assertEquals("00000000000000000000.index", IndexFileNames.offsetIndexFileName(0));
        assertEquals("09223372036854775807.timeindex", IndexFileNames.timeIndexFileName(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> IndexFileNames.offsetIndexFileName(-1));
    }

    private static ByteBuffer entries(final int... relativeOffsetPositionPairs)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(relativeOffsetPositionPairs.length * Integer.BYTES);
        for (final int value : relativeOffsetPositionPairs)
        {
            buffer.putInt(value);
        }
        return buffer;
    }

    private void assertCorrupt(final ByteBuffer entries, final long logSizeBytes, final String why) throws IOException
    {
        IndexFiles.write(indexFile(), entries);
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            assertThrows(CorruptIndexException.class, () -> index.sanityCheck(logSizeBytes), why);
        }
        Files.delete(indexFile());
    }

    private void assertSane(final ByteBuffer entries, final long logSizeBytes) throws IOException
    {
        IndexFiles.write(indexFile(), entries);
        try (OffsetIndex index = new OffsetIndex(indexFile(), BASE_OFFSET, MAX_INDEX_BYTES))
        {
            index.sanityCheck(logSizeBytes);
        }
        Files.delete(indexFile());
    }
}
