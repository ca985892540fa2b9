package io.fjord.jmh;

import io.fjord.index.OffsetIndex;
import io.fjord.index.TimeIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Floor lookups in a memory-mapped offset index and time index of {@value #ENTRIES} entries (the
 * offset index is 76% of its default 10 MiB), in ns per lookup.
 *
 * <ul>
 *   <li>{@code *_warmHit}: targets within the last 8 KiB of entries, the warm section searched
 *       first because tailing consumers and followers ask for offsets near the end.</li>
 *   <li>{@code *_coldHit}: targets spread uniformly over the older entries: a binary search over
 *       the whole index. "Cold" is the search path, not the page cache: the index was just
 *       written and stays resident, so this excludes page faults.</li>
 * </ul>
 * Targets are pre-drawn from a fixed seed ({@value #SEED}) and cycled, so no random number is
 * generated inside the measured call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class IndexLookupBenchmark {
    static final int ENTRIES = 1_000_000;
    static final int OFFSETS_PER_ENTRY = 40;      // about 100 B records per 4 KiB index interval
    static final int BYTES_PER_ENTRY = 2048;      // keeps 1M positions inside an int32
    static final long FIRST_TIMESTAMP_MS = 1_700_000_000_000L;
    static final int MS_PER_ENTRY = 10;
    static final int WARM_ENTRIES = 8192 / OffsetIndex.ENTRY_SIZE;
    static final int TARGETS = 1 << 14;
    static final long SEED = 42;

    private Path dir;
    private OffsetIndex offsetIndex;
    private TimeIndex timeIndex;
    private final long[] warmOffsets = new long[TARGETS];
    private final long[] coldOffsets = new long[TARGETS];
    private final long[] warmTimestamps = new long[TARGETS];
    private final long[] coldTimestamps = new long[TARGETS];
    private int next;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = TempDirs.create("fjord-jmh-index-");
        offsetIndex = new OffsetIndex(dir.resolve("00000000000000000000.index"), 0, 10 * 1024 * 1024);
        timeIndex = new TimeIndex(dir.resolve("00000000000000000000.timeindex"), 0, 16 * 1024 * 1024);
        for (int i = 0; i < ENTRIES; i++) {
            offsetIndex.append((long) i * OFFSETS_PER_ENTRY, i * BYTES_PER_ENTRY);
            timeIndex.maybeAppend(FIRST_TIMESTAMP_MS + (long) i * MS_PER_ENTRY, (long) i * OFFSETS_PER_ENTRY);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        long warmStart = (long) (ENTRIES - WARM_ENTRIES) * OFFSETS_PER_ENTRY;
        long end = (long) ENTRIES * OFFSETS_PER_ENTRY;
        for (int i = 0; i < TARGETS; i++) {
            warmOffsets[i] = random.nextLong(warmStart, end);
            coldOffsets[i] = random.nextLong(0, warmStart);
            warmTimestamps[i] = FIRST_TIMESTAMP_MS + random.nextLong((long) (ENTRIES - WARM_ENTRIES) * MS_PER_ENTRY,
                    (long) ENTRIES * MS_PER_ENTRY);
            coldTimestamps[i] = FIRST_TIMESTAMP_MS + random.nextLong(0, (long) (ENTRIES - WARM_ENTRIES) * MS_PER_ENTRY);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            offsetIndex.close();
            timeIndex.close();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    private int nextTarget() {
        int i = next;
        next = (i + 1) & (TARGETS - 1);
        return i;
    }

    @Benchmark
    public long offsetIndex_warmHit() {
        return offsetIndex.lookup(warmOffsets[nextTarget()]);
    }

    @Benchmark
    public long offsetIndex_coldHit() {
        return offsetIndex.lookup(coldOffsets[nextTarget()]);
    }

    @Benchmark
    public long timeIndex_warmHit() {
        return timeIndex.lookup(warmTimestamps[nextTarget()]);
    }

    @Benchmark
    public long timeIndex_coldHit() {
        return timeIndex.lookup(coldTimestamps[nextTarget()]);
    }
}
