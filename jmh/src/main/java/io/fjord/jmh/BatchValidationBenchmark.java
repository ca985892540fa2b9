package io.fjord.jmh;

import io.fjord.log.EngineConfig;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.partition.ProducedBatchValidator;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.compress.CompressionCodec;
import io.fjord.log.record.compress.CompressionCodecs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What checking a produced batch's records costs the append path ({@link ProducedBatchValidator}, run by the
 * partition writer for every batch), in µs per 16 KiB batch of 100-byte records (about 150 records, values of
 * random words, so they compress about as well as log lines or JSON do).
 *
 * <ul>
 *   <li>{@code validate}: the whole check. {@code codec=none} walks the records in place; a codec decompresses
 *       them as a stream through a 16 KiB window and walks them as they pass.</li>
 *   <li>{@code decompressOnly}: the same batch's codec stream read to its end into a 16 KiB buffer, nothing
 *       parsed: the floor any check of compressed records pays (Kafka's LogValidator decompresses too).</li>
 * </ul>
 * The difference between the two is the record walk itself. Compare with
 * {@code RawLogAppendBenchmark.append_100PerBatch} (the cost of writing a batch) to see the share validation
 * takes of a compressed produce.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchValidationBenchmark {
    static final int BATCH_BYTES = 16 * 1024;
    static final int VALUE_BYTES = 100;
    private static final long SEED = 20261207L;
    private static final String[] WORDS = {"order", "id", "status", "shipped", "customer", "amount", "EUR", "true",
        "false", "warehouse", "timestamp", "null", "sku", "quantity", "region", "eu-west-1"};

    @Param({"none", "lz4", "zstd", "snappy", "gzip"})
    public String codec;

    private final TopicConfig config = TopicConfig.defaults();
    private final ProducedBatchValidator validator = new ProducedBatchValidator(new TopicPartition("bench", 0),
            EngineConfig.DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES);
    private final RecordBatch batch = new RecordBatch();
    private final byte[] sink = new byte[16 * 1024];
    private ByteBuffer bytes;
    private long nowMs;

    @Setup(Level.Trial)
    public void build() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        nowMs = System.currentTimeMillis();
        RecordBatchBuilder builder = new RecordBatchBuilder(BATCH_BYTES + 1024);
        int i = 0;
        while (builder.estimatedSizeInBytes() + VALUE_BYTES + 32 <= BATCH_BYTES) {
            builder.append(nowMs, ("key-" + i++).getBytes(), value(random));
        }
        ByteBuffer plain = builder.build();
        bytes = codec.equals("none") ? copy(plain) : compressed(plain, CompressionCodecs.of(codecId(codec)));
        validator.validate(batch.wrap(bytes, 0), 0, config, nowMs); // fails fast if the fixture is wrong
    }

    /** Validates one 16 KiB batch; µs per batch. */
    @Benchmark
    public void validate() {
        validator.validate(batch.wrap(bytes, 0), 0, config, nowMs);
    }

    /** Decompresses the batch's records to the end without looking at them; µs per batch ({@code none}: 0). */
    @Benchmark
    public long decompressOnly(Blackhole hole) throws IOException {
        if (codec.equals("none")) {
            return 0;
        }
        long total = 0;
        try (InputStream in = CompressionCodecs.of(codecId(codec)).decompressing(new InputStream() {
            private int position = RecordBatchDescriptor.HEADER_SIZE;

            @Override
            public int read() {
                return position < bytes.limit() ? bytes.get(position++) & 0xFF : -1;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                int n = Math.min(length, bytes.limit() - position);
                if (n <= 0) {
                    return length == 0 ? 0 : -1;
                }
                bytes.get(position, into, offset, n);
                position += n;
                return n;
            }
        })) {
            for (int n; (n = in.read(sink, 0, sink.length)) >= 0; ) {
                total += n;
            }
        }
        hole.consume(sink);
        return total;
    }

    private static byte[] value(SplittableRandom random) {
        StringBuilder text = new StringBuilder(VALUE_BYTES + 16);
        while (text.length() < VALUE_BYTES) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextBoolean() ? '=' : ' ')
                    .append(random.nextInt(10_000)).append(',');
        }
        text.setLength(VALUE_BYTES);
        return text.toString().getBytes();
    }

    private static int codecId(String name) {
        return switch (name) {
            case "gzip" -> RecordBatchDescriptor.COMPRESSION_GZIP;
            case "snappy" -> RecordBatchDescriptor.COMPRESSION_SNAPPY;
            case "lz4" -> RecordBatchDescriptor.COMPRESSION_LZ4;
            case "zstd" -> RecordBatchDescriptor.COMPRESSION_ZSTD;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static ByteBuffer copy(ByteBuffer plain) {
        return ByteBuffer.allocate(plain.remaining()).put(plain.duplicate()).flip();
    }

    /** {@code plain} with its records section compressed by {@code codec}, header patched, CRC recomputed. */
    private static ByteBuffer compressed(ByteBuffer plain, CompressionCodec codec) throws IOException {
        int header = RecordBatchDescriptor.HEADER_SIZE;
        byte[] records = new byte[plain.remaining() - header];
        plain.get(plain.position() + header, records);
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        try (OutputStream out = codec.compressing(section)) {
            out.write(records);
        }
        ByteBuffer out = ByteBuffer.allocate(header + section.size());
        for (int i = 0; i < header; i++) {
            out.put(i, plain.get(plain.position() + i));
        }
        out.put(header, section.toByteArray());
        out.putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, out.limit() - RecordBatchDescriptor.LOG_OVERHEAD);
        short attributes = out.getShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET);
        out.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) (attributes | codec.id()));
        new RecordBatch().wrap(out, 0).updateCrc();
        return out;
    }
}
