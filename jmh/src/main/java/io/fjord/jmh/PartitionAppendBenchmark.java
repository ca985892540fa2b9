package io.fjord.jmh;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.TopicConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Append throughput of the thread-safe API, {@link Partition#appendBatch(ByteBuffer)}: each call
 * goes through the partition writer's bounded MPSC queue to the writer thread and blocks until the
 * append is done (with {@code durability=sync}: fsynced). This is what a producer request costs
 * the engine, hand-off included, as opposed to {@link RawLogAppendBenchmark}'s bare log.
 *
 * <p>{@code sync_*_4Threads} shows group commit: four callers share one fsync per writer duty
 * cycle, so their total rate should be well above the one-thread rate. On a 2-core machine the
 * writer thread competes with the callers for a core, so these numbers understate larger hosts.
 *
 * <p>Score: records/s; secondary {@code logBytes}: bytes/s appended, summed over threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PartitionAppendBenchmark {
    @Param({"100", "1024"})
    public int valueBytes;

    private Path dir;
    private LogEngine engine;
    Partition pageCache;
    Partition sync;

    @Setup(Level.Trial)
    public void open() {
        dir = TempDirs.create("fjord-jmh-partition-");
        engine = LogEngine.open(EngineConfig.builder(dir)
                .writerThreads(1)
                .retentionCheckIntervalMs(1_000) // keeps disk use near retention.bytes
                .build());
        TopicConfig bounded = TopicConfig.of(Map.of(
                TopicConfig.SEGMENT_BYTES, Integer.toString(RawLogAppendBenchmark.SEGMENT_BYTES),
                TopicConfig.RETENTION_BYTES, Long.toString(RawLogAppendBenchmark.RETENTION_BYTES),
                TopicConfig.FILE_DELETE_DELAY_MS, "0"));
        engine.createTopic("page-cache", 1, bounded);
        engine.createTopic("sync", 1, bounded.with(TopicConfig.DURABILITY, "sync"));
        pageCache = engine.partition("page-cache", 0);
        sync = engine.partition("sync", 0);
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            engine.close();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    /** Each caller thread's own batches: the engine patches them in place while appending. */
    @State(Scope.Thread)
    public static class CallerBatches {
        ByteBuffer one;
        ByteBuffer hundred;

        @Setup(Level.Trial)
        public void build(PartitionAppendBenchmark benchmark) {
            one = RecordBatches.directBatch(1, benchmark.valueBytes);
            hundred = RecordBatches.directBatch(100, benchmark.valueBytes);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1)
    @Threads(1)
    public long pageCache_1PerBatch_1Thread(CallerBatches batches, LogBytesCounter counter) {
        return append(pageCache, batches.one, counter);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    @Threads(1)
    public long pageCache_100PerBatch_1Thread(CallerBatches batches, LogBytesCounter counter) {
        return append(pageCache, batches.hundred, counter);
    }

    @Benchmark
    @OperationsPerInvocation(1)
    @Threads(1)
    public long sync_1PerBatch_1Thread(CallerBatches batches, LogBytesCounter counter) {
        return append(sync, batches.one, counter);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    @Threads(1)
    public long sync_100PerBatch_1Thread(CallerBatches batches, LogBytesCounter counter) {
        return append(sync, batches.hundred, counter);
    }

    @Benchmark
    @OperationsPerInvocation(1)
    @Threads(4)
    public long sync_1PerBatch_4Threads(CallerBatches batches, LogBytesCounter counter) {
        return append(sync, batches.one, counter);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    @Threads(4)
    public long sync_100PerBatch_4Threads(CallerBatches batches, LogBytesCounter counter) {
        return append(sync, batches.hundred, counter);
    }

    private static long append(Partition partition, ByteBuffer batch, LogBytesCounter counter) {
        batch.position(0);
        long offset = partition.appendBatch(batch);
        counter.logBytes += batch.limit();
        return offset;
    }
}
