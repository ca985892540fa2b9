package io.fjord.jmh;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
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

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The peer to beat: Chronicle Queue's single-threaded {@link ExcerptAppender#writeBytes} of the
 * same 100 B and 1 KiB payloads as {@link RawLogAppendBenchmark}, 100 excerpts per invocation so
 * that the score (records/s) lines up with Fjord's {@code append_100PerBatch}. Chronicle has no
 * batches: each excerpt is its own 4-byte-headed entry in a memory-mapped file, written into the
 * page cache without fsync, like Fjord's {@code durability=none}.
 *
 * <p>Chronicle Queue needs the JDK-internal access below on JDK 17+, so only this benchmark's
 * fork gets the flags; Fjord's benchmarks run without any. The queue is recreated every
 * iteration to bound disk use (one iteration writes at most a few GB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-Dchronicle.disk.monitor.disable=true"})
@Threads(1)
public class ChronicleQueueAppendBenchmark {
    static final int EXCERPT_HEADER_BYTES = 4;

    @Param({"100", "1024"})
    public int valueBytes;

    private BytesStore<?, ?> payload;
    private Path dir;
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;

    @Setup(Level.Trial)
    public void preparePayload() {
        byte[] bytes = new byte[valueBytes];
        Arrays.fill(bytes, (byte) 'x');
        payload = BytesStore.nativeStoreFrom(bytes); // off-heap, as Fjord's direct batch buffer
    }

    /** On the benchmark thread: Chronicle appenders belong to the thread that creates them. */
    @Setup(Level.Iteration)
    public void openQueue() {
        dir = TempDirs.create("fjord-jmh-chronicle-");
        queue = SingleChronicleQueueBuilder.binary(dir).build();
        appender = queue.createAppender();
    }

    @TearDown(Level.Iteration)
    public void closeQueue() {
        try {
            appender.close();
            queue.close();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @TearDown(Level.Trial)
    public void releasePayload() {
        payload.releaseLast();
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public void append_100PerBatch(LogBytesCounter counter) {
        ExcerptAppender a = appender;
        BytesStore<?, ?> p = payload;
        for (int i = 0; i < 100; i++) {
            a.writeBytes(p);
        }
        counter.logBytes += 100L * (valueBytes + EXCERPT_HEADER_BYTES);
    }
}
