package io.fjord.log;

import io.fjord.log.record.RecordBatch;
import io.fjord.log.segment.LogSegment;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The topic config {@code compression.type}: batches arriving in another codec are stored in the
 * topic's, with Kafka's own record classes as the oracle (they write the producer's batches and
 * read and CRC-check what the segment holds).
 */
@Timeout(120)
class TopicCompressionTest {
    private static final String TOPIC = "t";
    private static final String[] PRODUCER_CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};
    private static final String[] TOPIC_CODECS = {"uncompressed", "gzip", "snappy", "lz4", "zstd", "producer"};
    private static final long PRODUCER_ID = 4242;
    private static final short EPOCH = 3;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000);

    private LogEngine open() {
        return LogEngine.open(EngineConfig.builder(dir).clock(now::get).build());
    }

    private static Compression compression(String codec) {
        return Compression.of(CompressionType.forName(codec)).build();
    }

    private static SimpleRecord[] records(int count, int from) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            int n = from + i;
            records[i] = new SimpleRecord(5_000 + n * 3L, n % 4 == 0 ? null : bytes("key-" + n),
                    n % 5 == 0 ? null : bytes("value " + n + " " + "abc".repeat(n % 13)),
                    new Header[] {new RecordHeader("h" + n, bytes("hv" + n))});
        }
        return records;
    }

    static Stream<Arguments> codecPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (String producer : PRODUCER_CODECS) {
            for (String topic : TOPIC_CODECS) {
                pairs.add(Arguments.of(producer, topic));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} batch on a compression.type={1} topic")
    @MethodSource("codecPairs")
    void aBatchIsStoredInTheTopicsCodecWithItsRecordsAndProducerFieldsIntact(String producerCodec, String topicCodec)
            throws IOException {
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of("compression.type", topicCodec)));
            Partition p = engine.partition(TOPIC, 0);
            assertEquals(0, p.append(bytes("k"), bytes("first, from the engine's own builder"), 1_000));
            SimpleRecord[] sent = records(20, 0);
            ByteBuffer batch = MemoryRecords.withIdempotentRecords(compression(producerCodec), PRODUCER_ID, EPOCH, 0,
                    sent).buffer();
            assertEquals(1, p.appendBatch(batch.duplicate()));
            // A retry of the same batch is recognised by its sequence numbers, so they were kept.
            assertEquals(1, p.appendBatch(batch.duplicate()));
            SimpleRecord[] next = records(5, 20);
            assertEquals(21, p.appendBatch(MemoryRecords.withIdempotentRecords(compression(producerCodec), PRODUCER_ID,
                    EPOCH, 20, next).buffer()));

            CompressionType expected = topicCodec.equals("producer") ? CompressionType.forName(producerCodec)
                    : topicCodec.equals("uncompressed") ? CompressionType.NONE : CompressionType.forName(topicCodec);
            List<MutableRecordBatch> stored = storedBatches(p);
            assertEquals(3, stored.size());
            for (int b = 1; b < 3; b++) {
                MutableRecordBatch kafka = stored.get(b);
                assertEquals(expected, kafka.compressionType(), "batch " + b);
                assertEquals(PRODUCER_ID, kafka.producerId());
                assertEquals(EPOCH, kafka.producerEpoch());
                assertEquals(b == 1 ? 0 : 20, kafka.baseSequence());
                assertEquals(b == 1 ? 1 : 21, kafka.baseOffset());
                assertEquals(b == 1 ? 20 : 25, kafka.lastOffset());
                SimpleRecord[] expectedRecords = b == 1 ? sent : next;
                assertEquals(expectedRecords[expectedRecords.length - 1].timestamp(), kafka.maxTimestamp());
                int i = 0;
                for (Record record : kafka) {
                    SimpleRecord want = expectedRecords[i];
                    assertEquals(kafka.baseOffset() + i, record.offset());
                    assertEquals(want.timestamp(), record.timestamp());
                    assertEquals(want.key(), record.key());
                    assertEquals(want.value(), record.value());
                    assertArrayEquals(want.headers(), record.headers());
                    i++;
                }
                assertEquals(expectedRecords.length, i);
            }
            // The engine's own reader agrees (it serves what consumers fetch).
            assertEquals(26, p.latestOffset());
        }
    }

    /** Every batch of the partition's segments, CRC-checked by Kafka's reader. */
    private static List<MutableRecordBatch> storedBatches(Partition p) throws IOException {
        List<MutableRecordBatch> batches = new ArrayList<>();
        for (LogSegment segment : PartitionLogs.of(p).segments()) {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment.logFile()), 0,
                    (int) segment.sizeBytes());
            for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes.slice()).batches()) {
                batch.ensureValid();
                batches.add(batch);
            }
        }
        return batches;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void aBatchAlreadyInTheTopicsCodecIsStoredByteForByte(String codec) throws IOException {
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of("compression.type", codec)));
            Partition p = engine.partition(TOPIC, 0);
            ByteBuffer batch = MemoryRecords.withRecords(compression(codec), records(10, 0)).buffer();
            byte[] sent = new byte[batch.remaining()];
            batch.duplicate().get(sent);
            assertEquals(0, p.appendBatch(batch));
            byte[] stored = Files.readAllBytes(PartitionLogs.of(p).segments().get(0).logFile());
            // Offsets and leader epoch are patched outside the CRC; everything else is the producer's.
            int epochEnd = io.fjord.log.record.RecordBatchDescriptor.MAGIC_OFFSET;
            assertArrayEquals(java.util.Arrays.copyOfRange(sent, epochEnd, sent.length),
                    java.util.Arrays.copyOfRange(stored, epochEnd, sent.length));
        }
    }

    @Test
    void anAppendOfSeveralBatchesRewritesOnlyThoseInAnotherCodec() throws IOException {
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of("compression.type", "lz4")));
            Partition p = engine.partition(TOPIC, 0);
            ByteBuffer gzip = MemoryRecords.withRecords(compression("gzip"), records(7, 0)).buffer();
            ByteBuffer lz4 = MemoryRecords.withRecords(compression("lz4"), records(5, 7)).buffer();
            ByteBuffer none = MemoryRecords.withRecords(Compression.NONE, records(3, 12)).buffer();
            ByteBuffer append = ByteBuffer.allocate(gzip.remaining() + lz4.remaining() + none.remaining())
                    .put(gzip).put(lz4).put(none).flip();
            assertEquals(0, p.appendBatch(append));
            List<MutableRecordBatch> stored = storedBatches(p);
            assertEquals(3, stored.size());
            int offset = 0;
            for (MutableRecordBatch batch : stored) {
                assertEquals(CompressionType.LZ4, batch.compressionType());
                assertEquals(offset, batch.baseOffset());
                for (Record record : batch) {
                    assertEquals(offset, record.offset());
                    assertEquals(records(1, offset)[0].value(), record.value());
                    offset++;
                }
            }
            assertEquals(15, offset);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void aCompressedBatchThatDoesNotDecodeIsRefusedWhenItWouldBeRecompressed(String codec) {
        try (LogEngine engine = open()) {
            String target = codec.equals("zstd") ? "gzip" : "zstd";
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of("compression.type", target)));
            Partition p = engine.partition(TOPIC, 0);
            ByteBuffer batch = MemoryRecords.withRecords(compression(codec), records(3, 0)).buffer();
            ByteBuffer broken = ByteBuffer.allocate(batch.remaining()).put(batch).flip();
            int recordsStart = io.fjord.log.record.RecordBatchDescriptor.RECORDS_OFFSET;
            for (int i = recordsStart; i < Math.min(broken.limit(), recordsStart + 8); i++) {
                broken.put(i, (byte) 0xA5);
            }
            new RecordBatch().wrap(broken, 0).updateCrc();
            InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> p.appendBatch(broken));
            assertTrue(e.getMessage().contains(codec + " records do not decompress"), e.getMessage());
            assertEquals(0, p.latestOffset());
        }
    }

    @Test
    void aBatchLargerThanMaxMessageBytesOnceUncompressedIsRefused() {
        try (LogEngine engine = open()) {
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of("compression.type", "uncompressed",
                    "max.message.bytes", "4096")));
            Partition p = engine.partition(TOPIC, 0);
            ByteBuffer zeros = MemoryRecords.withRecords(compression("zstd"),
                    new SimpleRecord(1, bytes("k"), new byte[64 * 1024])).buffer();
            assertTrue(zeros.remaining() < 4096, "zeros compress well: " + zeros.remaining());
            RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> p.appendBatch(zeros));
            assertTrue(e.getMessage().contains("once uncompressed") && e.getMessage().contains("4096"),
                    e.getMessage());
            assertEquals(0, p.latestOffset());
        }
    }

    @Test
    void aBatchThatDecompressesPastTheEngineLimitIsRefused() {
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).clock(now::get)
                .maxDecompressedBatchBytes(4096).build())) {
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of("compression.type", "lz4")));
            Partition p = engine.partition(TOPIC, 0);
            ByteBuffer bomb = MemoryRecords.withRecords(compression("gzip"),
                    new SimpleRecord(1, bytes("k"), new byte[256 * 1024])).buffer();
            RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> p.appendBatch(bomb));
            assertTrue(e.getMessage().contains("decompresses to more than 4096 bytes"), e.getMessage());
            assertEquals(0, p.latestOffset());
        }
    }

    /** Text that compresses, but better at higher levels: words from a small vocabulary in a long-period order. */
    private static byte[] text(int bytes) {
        String[] words = {"fjord", "kafka", "batch", "offset", "record", "segment", "index", "codec", "level",
            "partition", "topic", "broker", "replica", "leader", "epoch", "sequence"};
        StringBuilder text = new StringBuilder();
        long x = 12345;
        while (text.length() < bytes) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            text.append(words[(int) ((x >>> 33) % words.length)]).append((x >>> 40) % 3 == 0 ? ", " : " ");
        }
        return text.substring(0, bytes).getBytes(StandardCharsets.US_ASCII);
    }

    private int storedSizeAt(String codec, String levelKey, String level) throws IOException {
        Path sub = Files.createTempDirectory(dir, codec + level);
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(sub).clock(now::get).build())) {
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of("compression.type", codec, levelKey, level)));
            Partition p = engine.partition(TOPIC, 0);
            p.appendBatch(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1, bytes("k"), text(200_000)))
                    .buffer());
            List<MutableRecordBatch> stored = storedBatches(p);
            assertEquals(CompressionType.forName(codec), stored.get(0).compressionType());
            assertEquals(ByteBuffer.wrap(text(200_000)), stored.get(0).iterator().next().value());
            return stored.get(0).sizeInBytes();
        }
    }

    @Test
    void theLevelConfigsChangeHowHardTheBrokerCompresses() throws IOException {
        int gzipFast = storedSizeAt("gzip", "compression.gzip.level", "1");
        int gzipBest = storedSizeAt("gzip", "compression.gzip.level", "9");
        assertTrue(gzipBest < gzipFast, gzipBest + " vs " + gzipFast);
        int lz4Fast = storedSizeAt("lz4", "compression.lz4.level", "9");
        int lz4High = storedSizeAt("lz4", "compression.lz4.level", "17");
        assertTrue(lz4High < lz4Fast, lz4High + " vs " + lz4Fast);
        int zstdFast = storedSizeAt("zstd", "compression.zstd.level", "-5");
        int zstdBest = storedSizeAt("zstd", "compression.zstd.level", "19");
        assertTrue(zstdBest < zstdFast, zstdBest + " vs " + zstdFast);
    }

    @Test
    void levelsAreAcceptedInKafkasRangesAndRefusedOutsideThem() {
        for (String ok : new String[] {"-1", "1", "9"}) {
            TopicConfig.of(Map.of("compression.gzip.level", ok));
        }
        for (String ok : new String[] {"1", "9", "17"}) {
            TopicConfig.of(Map.of("compression.lz4.level", ok));
        }
        for (String ok : new String[] {"-131072", "-1", "0", "3", "22"}) {
            TopicConfig.of(Map.of("compression.zstd.level", ok));
        }
        Map<String, String[]> refused = Map.of(
                "compression.gzip.level", new String[] {"0", "10", "-2", "fast"},
                "compression.lz4.level", new String[] {"0", "18"},
                "compression.zstd.level", new String[] {"-131073", "23"},
                "compression.type", new String[] {"none", "brotli", "GZIP"});
        refused.forEach((name, values) -> {
            for (String value : values) {
                InvalidConfigException e = assertThrows(InvalidConfigException.class,
                        () -> TopicConfig.of(Map.of(name, value)), name + "=" + value);
                assertTrue(e.getMessage().contains(name) && e.getMessage().contains(value), e.getMessage());
            }
        });
    }

    @Test
    void segmentJitterBringsTimeBasedRollsForward() {
        int partitions = 8;
        long segmentMs = 1_000_000;
        try (LogEngine engine = open()) {
            engine.createTopic("jitter", partitions, TopicConfig.of(Map.of("segment.ms", Long.toString(segmentMs),
                    "segment.jitter.ms", Long.toString(segmentMs))));
            engine.createTopic("steady", partitions, TopicConfig.of(Map.of("segment.ms", Long.toString(segmentMs))));
            for (int i = 0; i < partitions; i++) {
                engine.partition("jitter", i).append(bytes("k"), bytes("v"), 1);
                engine.partition("steady", i).append(bytes("k"), bytes("v"), 1);
            }
            now.addAndGet(segmentMs - 1); // not yet due without jitter
            int jitterRolls = 0;
            for (int i = 0; i < partitions; i++) {
                engine.partition("jitter", i).append(bytes("k"), bytes("v"), 2);
                engine.partition("steady", i).append(bytes("k"), bytes("v"), 2);
                jitterRolls += PartitionLogs.of(engine.partition("jitter", i)).segmentCount() - 1;
                assertEquals(1, PartitionLogs.of(engine.partition("steady", i)).segmentCount());
            }
            assertTrue(jitterRolls > 0, "some partition rolled early");
            now.addAndGet(2); // past segment.ms: every partition rolls, jitter or not
            for (int i = 0; i < partitions; i++) {
                engine.partition("steady", i).append(bytes("k"), bytes("v"), 3);
                assertEquals(2, PartitionLogs.of(engine.partition("steady", i)).segmentCount());
            }
        }
    }
}
