package io.fjord.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.testsupport.TestSeeds;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer appends while readers look up: every reader must see only fully written entries,
 * and every offset at or below the last offset it observed must resolve to its exact floor.
 */
class ConcurrentLookupTest
{
    private static final int READERS = 4;
    private static final int ENTRIES = 200_000;
    private static final long BASE_OFFSET = 10_000L;
    private static final int OFFSET_STEP = 3;
    private static final int POSITION_PER_RELATIVE_OFFSET = 7;

    @TempDir
    Path dir;

    @Test
    void readersSeeConsistentFloorsWhileOneWriterAppends() throws Exception
    {
        final long seed = TestSeeds.seed("ConcurrentLookupTest.readersSeeConsistentFloorsWhileOneWriterAppends");
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean writerDone = new AtomicBoolean();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        try (OffsetIndex offsetIndex = new OffsetIndex(
                dir.resolve(IndexFileNames.offsetIndexFileName(BASE_OFFSET)), BASE_OFFSET, ENTRIES * OffsetIndex.ENTRY_SIZE);
             TimeIndex timeIndex = new TimeIndex(
                dir.resolve(IndexFileNames.timeIndexFileName(BASE_OFFSET)), BASE_OFFSET, ENTRIES * TimeIndex.ENTRY_SIZE))
        {
            for (int r = 0; r < READERS; r++)
            {
                final Random random = new Random(seed + r);
                threads.add(new Thread(() -> read(offsetIndex, timeIndex, random, start, writerDone, failure, seed),
                    "index-reader-" + r));
            }
            final Thread writer = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < ENTRIES && failure.get() == null; i++)
                    {
                        final long relativeOffset = (long)OFFSET_STEP * i;
                        offsetIndex.append(BASE_OFFSET + relativeOffset, (int)(relativeOffset * POSITION_PER_RELATIVE_OFFSET));
                        if (!timeIndex.isFull())
                        {
                            timeIndex.maybeAppend(timestampOf(relativeOffset), BASE_OFFSET + relativeOffset);
                        }
                    }
                }
                catch (final Throwable t)
                {
                    failure.compareAndSet(null, t);
                }
                finally
                {
                    writerDone.set(true);
                }
            }, "index-writer");
            threads.add(writer);
            threads.forEach(Thread::start);
            start.countDown();
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                assertFalse(thread.isAlive(), thread.getName() + " did not finish, seed " + seed);
            }
            assertNull(failure.get(), () -> "seed " + seed + ": " + failure.get());
            assertEquals(ENTRIES, offsetIndex.entries());
            assertTrue(offsetIndex.isFull());
        }
        finally
        {
            threads.forEach(Thread::interrupt);
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }

    private static long timestampOf(final long relativeOffset)
    {
        return 1_000_000L + 2 * relativeOffset;
    }

    private static void read(
        final OffsetIndex offsetIndex,
        final TimeIndex timeIndex,
        final Random random,
        final CountDownLatch start,
        final AtomicBoolean writerDone,
        final AtomicReference<Throwable> failure,
        final long seed)
    {
        try
        {
            start.await();
            long previousLastOffset = BASE_OFFSET;
            // Bounded: stops once the writer is done (plus one final pass) or anything failed.
            boolean finalPass = false;
            while (failure.get() == null)
            {
                final boolean done = writerDone.get();
                final long lastOffset = offsetIndex.lastOffset();
                check(lastOffset >= previousLastOffset, "lastOffset went back", seed);
                previousLastOffset = lastOffset;
                final long span = lastOffset - BASE_OFFSET + 2L * OFFSET_STEP;
                for (int i = 0; i < 100; i++)
                {
                    final long target = BASE_OFFSET - 1 + (long)(random.nextDouble() * span);
                    checkOffsetLookup(offsetIndex, target, lastOffset, seed);
                    checkTimeLookup(timeIndex, timestampOf(target - BASE_OFFSET), seed);
                }
                if (finalPass)
                {
                    return;
                }
                finalPass = done;
            }
        }
        catch (final Throwable t)
        {
            failure.compareAndSet(null, t);
        }
    }

    private static void checkOffsetLookup(final OffsetIndex index, final long target, final long lastOffsetSeen, final long seed)
    {
        final long entry = index.lookup(target);
        final int relativeOffset = OffsetIndex.relativeOffset(entry);
        final int position = OffsetIndex.position(entry);
        check(position == (long)relativeOffset * POSITION_PER_RELATIVE_OFFSET,
            "torn entry " + relativeOffset + "/" + position + " for target " + target, seed);
        check(relativeOffset % OFFSET_STEP == 0, "never appended relative offset " + relativeOffset, seed);
        if (target < BASE_OFFSET)
        {
            check(entry == 0, "entry below the base offset for target " + target, seed);
        }
        else
        {
            check(relativeOffset <= target - BASE_OFFSET, "not a floor: " + relativeOffset + " for " + target, seed);
            if (target <= lastOffsetSeen)
            {
                final long expected = (target - BASE_OFFSET) / OFFSET_STEP * OFFSET_STEP;
                check(relativeOffset == expected,
                    "floor of " + target + " is " + relativeOffset + ", expected " + expected, seed);
            }
        }
    }

    private static void checkTimeLookup(final TimeIndex index, final long targetTimestampMs, final long seed)
    {
        final long offset = index.lookup(targetTimestampMs);
        final long relativeOffset = offset - BASE_OFFSET;
        check(relativeOffset % OFFSET_STEP == 0 && relativeOffset >= 0, "time lookup returned " + offset, seed);
        check(offset == BASE_OFFSET || timestampOf(relativeOffset) <= targetTimestampMs,
            "time lookup " + targetTimestampMs + " returned later offset " + offset, seed);
    }

    private static void check(final boolean condition, final String message, final long seed)
    {
        if (!condition)
        {
            throw new AssertionError(message + " (seed " + seed + ")");
        }
    }
}
