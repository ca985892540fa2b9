package io.fjord.jmh;

import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.partition.PartitionLog;
import io.fjord.log.record.RecordBatchDescriptor;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Append throughput of the raw single-writer log, {@link PartitionLog#append(ByteBuffer, int)},
 * called straight from the benchmark thread, which thereby is the log's single writer: no queue,
 * no writer thread, no completion. This is the engine's ceiling and the layer compared with
 * Chronicle Queue's single-threaded {@code ExcerptAppender} ({@link ChronicleQueueAppendBenchmark}).
 *
 * <p>Score: records/s ({@code @OperationsPerInvocation} = records per batch); the secondary
 * {@code logBytes} is bytes/s written to the segment file. {@code durability=none} writes into the
 * page cache only; {@code durability=sync} fsyncs after every append (the raw log has no group
 * commit: that is {@link PartitionAppendBenchmark}'s writer thread).
 *
 * <p>Disk use is bounded: 256 MiB segments (so rolls are rare but happen) and
 * {@code retention.bytes} of 1 GiB enforced after every iteration; the directory is deleted at the
 * end of the trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class RawLogAppendBenchmark {
    static final int SEGMENT_BYTES = 256 * 1024 * 1024;
    static final long RETENTION_BYTES = 1024L * 1024 * 1024;

    @Param({"100", "1024"})
    public int valueBytes;

    @Param({"none", "sync"})
    public String durability;

    private Path dir;
    private PartitionLog log;
    private ByteBuffer oneRecordBatch;
    private ByteBuffer hundredRecordBatch;
    private boolean sync;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = TempDirs.create("fjord-jmh-rawlog-");
        TopicConfig config = TopicConfig.of(Map.of(
                TopicConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES),
                TopicConfig.RETENTION_BYTES, Long.toString(RETENTION_BYTES),
                TopicConfig.DURABILITY, durability));
        TopicPartition tp = new TopicPartition("bench", 0);
        log = PartitionLog.open(dir.resolve(tp.directoryName()), tp, config, 0, 0, false, FileIo.DEFAULT,
                MillisClock.SYSTEM, (segment, delayMs) -> {
                    try {
                        segment.closeAndDelete(); // no concurrent reader here: delete at once
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        sync = config.syncDurability();
        oneRecordBatch = RecordBatches.directBatch(1, valueBytes);
        hundredRecordBatch = RecordBatches.directBatch(100, valueBytes);
    }

    @Setup(Level.Iteration)
    public void adoptWriterRole() {
        log.resetWriterThread(); // the writer is whichever thread JMH runs this iteration on
    }

    @TearDown(Level.Iteration)
    public void enforceRetention() {
        log.deleteRetiredSegments(System.currentTimeMillis());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public long append_1PerBatch(LogBytesCounter counter) {
        return append(oneRecordBatch, counter);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public long append_100PerBatch(LogBytesCounter counter) {
        return append(hundredRecordBatch, counter);
    }

    private long append(ByteBuffer batch, LogBytesCounter counter) {
        batch.position(0);
        long offset = log.append(batch, RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH).baseOffset();
        if (sync) {
            log.flush();
        }
        counter.logBytes += batch.limit();
        return offset;
    }
}
