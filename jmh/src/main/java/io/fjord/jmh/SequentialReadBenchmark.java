package io.fjord.jmh;

import io.fjord.log.EngineConfig;
import io.fjord.log.FileRegion;
import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import io.fjord.log.Partition;
import io.fjord.log.RecordHandler;
import io.fjord.log.TopicConfig;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.RecordCursor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sequential read of a pre-filled log, start to end: {@value #RECORDS} records of
 * {@value #VALUE_BYTES}-byte values in batches of {@value #RECORDS_PER_BATCH} (about 107 MB in two
 * 64 MiB segments, so one scan crosses a segment boundary). One invocation is one whole scan; the
 * score is records/s, directly comparable with the append benchmarks (the target: reading at least
 * as fast as appending). The secondary {@code logBytes} is bytes/s read from the segment files.
 * The files were just written, so they are in the page cache: this measures the engine's read
 * path, not the disk.
 *
 * <ul>
 *   <li>{@code fileRegions}: what a replica fetcher or a sendfile-less fetch does,
 *       {@link Partition#read(long, int)} of 1 MiB regions copied with {@link FileRegion#readInto}
 *       into a direct buffer, and a walk over the batch headers to find the next offset.</li>
 *   <li>{@code logReaderPoll}: what an embedded consumer does, {@link LogReader#poll} with a
 *       {@link RecordHandler} that copies each record's key and value out of the flyweight.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class SequentialReadBenchmark {
    static final int RECORDS = 1_000_000;
    static final int RECORDS_PER_BATCH = 100;
    static final int VALUE_BYTES = 100;
    static final int FETCH_BYTES = LogReader.DEFAULT_FETCH_BYTES;
    static final int SEGMENT_BYTES = 64 * 1024 * 1024;

    private Path dir;
    private LogEngine engine;
    private Partition partition;
    private long logSizeBytes;

    @Setup(Level.Trial)
    public void fill() {
        dir = TempDirs.create("fjord-jmh-read-");
        engine = LogEngine.open(EngineConfig.builder(dir).writerThreads(1).build());
        engine.createTopic("read", 1, TopicConfig.of(Map.of(
                TopicConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES))));
        partition = engine.partition("read", 0);
        ByteBuffer batch = RecordBatches.directBatch(RECORDS_PER_BATCH, VALUE_BYTES);
        for (int i = 0; i < RECORDS / RECORDS_PER_BATCH; i++) {
            batch.position(0);
            partition.appendBatch(batch);
        }
        logSizeBytes = partition.sizeBytes();
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            engine.close();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    /** One reading thread's buffers and flyweights, reused across scans. */
    @State(Scope.Thread)
    public static class ReaderState implements RecordHandler {
        final ByteBuffer fetchBuffer = ByteBuffer.allocateDirect(FETCH_BYTES);
        final RecordBatch batch = new RecordBatch();
        final byte[] keyCopy = new byte[64];
        final byte[] valueCopy = new byte[VALUE_BYTES];
        LogReader reader;
        long checksum;
        int records;

        @Setup(Level.Trial)
        public void open(SequentialReadBenchmark benchmark) {
            reader = benchmark.partition.reader(benchmark.partition.earliestOffset());
        }

        @TearDown(Level.Trial)
        public void close() {
            reader.close();
        }

        @Override
        public void onRecord(RecordCursor record) {
            ByteBuffer buffer = record.buffer();
            int keyLength = record.keyLength();
            if (keyLength > 0) {
                buffer.get(record.keyOffset(), keyCopy, 0, keyLength);
            }
            int valueLength = record.valueLength();
            buffer.get(record.valueOffset(), valueCopy, 0, valueLength);
            checksum += valueCopy[valueLength - 1] + keyLength + record.offset();
            records++;
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long fileRegions(ReaderState state, LogBytesCounter counter) throws IOException {
        ByteBuffer buffer = state.fetchBuffer;
        RecordBatch batch = state.batch;
        long offset = partition.earliestOffset();
        long end = partition.latestOffset();
        while (offset < end) {
            FileRegion region = partition.read(offset, FETCH_BYTES);
            buffer.clear();
            region.readInto(buffer);
            buffer.flip();
            int position = 0;
            int limit = buffer.limit();
            while (limit - position >= RecordBatchDescriptor.LOG_OVERHEAD) {
                int size = RecordBatch.sizeInBytes(buffer, position);
                if (position + size > limit) {
                    break; // trailing partial batch: the next read starts at it
                }
                batch.wrap(buffer, position);
                offset = batch.nextOffset();
                position += size;
            }
            counter.logBytes += position;
        }
        return offset;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long logReaderPoll(ReaderState state, LogBytesCounter counter) {
        LogReader reader = state.reader;
        reader.seek(partition.earliestOffset());
        state.records = 0;
        while (reader.poll(state, Integer.MAX_VALUE) > 0) {
            // poll delivers up to one fetch (1 MiB) per call
        }
        if (state.records != RECORDS) {
            throw new IllegalStateException("scan read " + state.records + " records, expected " + RECORDS);
        }
        counter.logBytes += logSizeBytes;
        return state.checksum;
    }
}
