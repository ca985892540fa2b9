package io.fjord.log.partition;

import io.fjord.log.EngineConfig;
import io.fjord.log.InvalidRecordException;
import io.fjord.log.KeylessRecordException;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.RecordTooLargeException;
import io.fjord.log.RecordValidationException;
import io.fjord.log.RecordValidationException.RecordError;
import io.fjord.log.TestRecords;
import io.fjord.log.TopicConfig;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.compress.CompressionCodecs;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a producer's batch may hold, checked as Kafka's LogValidator checks it: batches whose CRC vouches for
 * garbage (random or truncated compressed sections, a gzip bomb), malformed records, headers only a broker
 * writes, timestamps out of range and keyless records on a compacted topic are refused, with the exception
 * that maps to Kafka's error code; the good batches around them are stored and read.
 */
@Timeout(120)
class ProducedBatchValidationTest {
    private static final long NOW_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(NOW_MS);

    private LogEngine open() {
        return LogEngine.open(EngineConfig.builder(dir).clock(now::get).build());
    }

    private static int codecId(String codec) {
        return switch (codec) {
            case "gzip" -> RecordBatchDescriptor.COMPRESSION_GZIP;
            case "snappy" -> RecordBatchDescriptor.COMPRESSION_SNAPPY;
            case "lz4" -> RecordBatchDescriptor.COMPRESSION_LZ4;
            case "zstd" -> RecordBatchDescriptor.COMPRESSION_ZSTD;
            default -> throw new IllegalArgumentException(codec);
        };
    }

    /** {@code batch}'s header (codec bits set) with {@code section} as its records, and a CRC that matches. */
    static ByteBuffer withRecordsSection(ByteBuffer batch, int codecId, byte[] section) {
        int header = RecordBatchDescriptor.HEADER_SIZE;
        ByteBuffer out = ByteBuffer.allocate(header + section.length);
        for (int i = 0; i < header; i++) {
            out.put(i, batch.get(batch.position() + i));
        }
        out.put(header, section);
        out.putInt(RecordBatchDescriptor.BATCH_LENGTH_OFFSET, header + section.length - RecordBatchDescriptor.LOG_OVERHEAD);
        short attributes = out.getShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET);
        out.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET,
                (short) ((attributes & ~RecordBatchDescriptor.COMPRESSION_CODEC_MASK) | codecId));
        new RecordBatch().wrap(out, 0).updateCrc();
        return out;
    }

    /** {@code uncompressed}, a whole uncompressed batch, with its records section compressed by {@code codec}. */
    static ByteBuffer compressed(String codec, ByteBuffer uncompressed) {
        int header = RecordBatchDescriptor.HEADER_SIZE;
        byte[] records = new byte[uncompressed.remaining() - header];
        uncompressed.get(uncompressed.position() + header, records);
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        try (OutputStream out = CompressionCodecs.of(codecId(codec)).compressing(section)) {
            out.write(records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return withRecordsSection(uncompressed, codecId(codec), section.toByteArray());
    }

    private static ByteBuffer records(long timestampMs, String... keys) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (int i = 0; i < keys.length; i++) {
            builder.append(timestampMs, bytes(keys[i]), bytes("value-" + i));
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    private static ByteBuffer good(int first, int count) {
        return TestRecords.batch(first, count, NOW_MS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void randomCompressedRecordsWithAMatchingCrcAreRefusedAsCorruptAndTheGoodBatchesAroundThemAreStored(String codec) {
        Random random = new Random(TestSeeds.seed("randomCompressedRecords-" + codec));
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            assertEquals(0, p.appendBatch(good(0, 3)));
            for (int i = 0; i < 20; i++) {
                byte[] garbage = new byte[1 + random.nextInt(2_000)];
                random.nextBytes(garbage);
                ByteBuffer batch = withRecordsSection(records(NOW_MS, "a", "b", "c"), codecId(codec), garbage);
                InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> p.appendBatch(batch));
                // Undecodable: CORRUPT_MESSAGE, never a RecordValidationException (INVALID_RECORD).
                assertFalse(e instanceof RecordValidationException, e.getMessage());
                assertTrue(e.getMessage().contains(codec + " records do not decompress"), e.getMessage());
            }
            assertEquals(3, p.appendBatch(good(3, 2)));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L),
                    TestRecords.readAll(p, 0).stream().map(TestRecords.Read::offset).toList());
        }
    }

    /** snappy-java allocates the sizes a stream declares: a 40-byte section must not cost hundreds of MiB. */
    @Test
    void snappySizesBeyondWhatTheSectionHoldsAreRefusedBeforeSnappyAllocatesThem() {
        ByteBuffer framedChunk = ByteBuffer.allocate(40)
                .put(new byte[] {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1})
                .putInt(500 << 20); // a chunk of 500 MiB
        ByteBuffer framedBlock = ByteBuffer.allocate(40)
                .put(new byte[] {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1})
                .putInt(20).put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}); // 256 MiB from 20 bytes
        ByteBuffer raw = ByteBuffer.allocate(40).put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            for (ByteBuffer section : List.of(framedChunk, framedBlock, raw)) {
                ByteBuffer batch = withRecordsSection(records(NOW_MS, "a"), RecordBatchDescriptor.COMPRESSION_SNAPPY,
                        section.array());
                InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> p.appendBatch(batch));
                assertFalse(e instanceof RecordValidationException, e.getMessage());
                assertTrue(e.getMessage().contains("snappy records do not decompress")
                        && e.getMessage().contains(" declares "), e.getMessage());
            }
            assertEquals(0, p.appendBatch(compressed("snappy", records(NOW_MS, "a"))));
        }
    }

    /** Frames other clients may write (checksums, content size) are read; a block that fails its checksum is not. */
    @Test
    void lz4FramesWithChecksumsAreReadAndABadBlockChecksumIsRefused() throws IOException {
        ByteBuffer plain = records(NOW_MS, "a", "b", "c");
        byte[] records = new byte[plain.remaining() - RecordBatchDescriptor.HEADER_SIZE];
        plain.get(RecordBatchDescriptor.HEADER_SIZE, records);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        try (OutputStream out = new net.jpountz.lz4.LZ4FrameOutputStream(frame,
                net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, records.length,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
            out.write(records);
        }
        byte[] section = frame.toByteArray();
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            assertEquals(0, p.appendBatch(withRecordsSection(plain, RecordBatchDescriptor.COMPRESSION_LZ4, section)));
            // Magic 4 + FLG + BD + content size 8 + HC = 15 header bytes, then the first block's size: the
            // checksum follows the block's data.
            int blockBytes = (section[15] & 0xFF) | (section[16] & 0xFF) << 8;
            section[15 + 4 + blockBytes] ^= 1;
            ByteBuffer broken = withRecordsSection(plain, RecordBatchDescriptor.COMPRESSION_LZ4, section);
            InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> p.appendBatch(broken));
            assertTrue(e.getMessage().contains("LZ4 block checksum mismatch"), e.getMessage());
            assertEquals(3, p.latestOffset());
        }
    }

    @Test
    void aTruncatedGzipSectionIsRefusedAsCorrupt() throws IOException {
        ByteBuffer whole = compressed("gzip", records(NOW_MS, "a", "b", "c", "d"));
        byte[] section = new byte[whole.remaining() - RecordBatchDescriptor.HEADER_SIZE];
        whole.get(RecordBatchDescriptor.HEADER_SIZE, section);
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            // Cut inside the deflate data, and inside the 8-byte trailer (CRC-32 and size).
            for (int cut : new int[] {section.length / 2, 4}) {
                byte[] truncated = java.util.Arrays.copyOf(section, section.length - cut);
                ByteBuffer batch = withRecordsSection(whole, RecordBatchDescriptor.COMPRESSION_GZIP, truncated);
                InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> p.appendBatch(batch));
                assertFalse(e instanceof RecordValidationException, e.getMessage());
                assertTrue(e.getMessage().contains("gzip records do not decompress"), e.getMessage());
            }
            assertEquals(0, p.appendBatch(whole.duplicate()), "the whole batch is fine");
        }
    }

    @Test
    void aGzipBombIsRefusedAtItsFirstRecordWithoutInflatingIt() throws IOException {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bomb, 64 * 1024)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                gzip.write(zeros);
            }
        }
        assertTrue(bomb.size() < 300 * 1024, "200 MB of zeros in " + bomb.size() + " bytes");
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            ByteBuffer batch = withRecordsSection(records(NOW_MS, "a"), RecordBatchDescriptor.COMPRESSION_GZIP,
                    bomb.toByteArray());
            // A zero byte is a record of length 0: malformed (INVALID_RECORD), found after one decompressed window,
            // long before the 64 MiB bound on a decompressed batch (which would answer MESSAGE_TOO_LARGE).
            RecordValidationException e = assertThrows(RecordValidationException.class, () -> p.appendBatch(batch));
            assertTrue(e.getMessage().contains("record length 0"), e.getMessage());
            java.util.regex.Matcher read = java.util.regex.Pattern.compile("\\((\\d+) bytes decompressed\\)")
                    .matcher(e.getMessage());
            assertTrue(read.find(), e.getMessage());
            assertTrue(Long.parseLong(read.group(1)) <= 64 * 1024, e.getMessage());
            assertEquals(0, p.appendBatch(good(0, 1)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void wellFormedRecordsThatDecompressPastTheLimitAreRefusedAsTooLarge(String codec) {
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).clock(now::get)
                .maxDecompressedBatchBytes(64 * 1024).build())) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            ByteBuffer big = compressed(codec, TestRecords.batchOfSize(256 * 1024, NOW_MS));
            assertTrue(big.remaining() < 64 * 1024, codec + ": zeros compress well: " + big.remaining());
            RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> p.appendBatch(big));
            assertTrue(e.getMessage().contains("decompresses to more than 65536 bytes"), e.getMessage());
            assertEquals(0, p.appendBatch(compressed(codec, TestRecords.batchOfSize(1024, NOW_MS))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void recordsThatDisagreeWithTheirHeaderAreInvalidRecords(String codec) {
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);

            // Three records, but the header claims two: bytes follow the last record.
            ByteBuffer three = records(NOW_MS, "a", "b", "c");
            three.putInt(RecordBatchDescriptor.RECORDS_COUNT_OFFSET, 2);
            three.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, 1);
            assertRefused(p, encode(codec, three), "more bytes follow the last record", "records end at index");

            // Two records, but the header claims three: the records end early.
            ByteBuffer two = records(NOW_MS, "a", "b");
            two.putInt(RecordBatchDescriptor.RECORDS_COUNT_OFFSET, 3);
            two.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, 2);
            assertRefused(p, encode(codec, two), "the records end after 2", "the batch ends after 2 records");

            // Offset deltas 0, 0: the second record's delta (zigzag 2 -> 0), same length, same CRC rules.
            ByteBuffer deltas = records(NOW_MS, "a", "b");
            int firstLength = deltas.get(RecordBatchDescriptor.RECORDS_OFFSET) >> 1; // a one-byte zigzag varint
            int second = RecordBatchDescriptor.RECORDS_OFFSET + 1 + firstLength;
            assertEquals(2, deltas.get(second + 3), "offset delta 1, zigzag encoded");
            deltas.put(second + 3, (byte) 0);
            assertRefused(p, encode(codec, deltas), "has offset delta 0 where 1 belongs", null);

            // A record whose key length runs past the record.
            ByteBuffer keyTooLong = records(NOW_MS, "a");
            keyTooLong.put(RecordBatchDescriptor.RECORDS_OFFSET + 4, (byte) 100); // key length 50
            assertRefused(p, encode(codec, keyTooLong), "key length 50", null);

            assertEquals(0, p.appendBatch(encode(codec, records(NOW_MS, "a", "b"))));
        }
    }

    /** {@code batch} (uncompressed) as sent with {@code codec}, CRC fixed after the edits. */
    private static ByteBuffer encode(String codec, ByteBuffer batch) {
        if (codec.equals("none")) {
            new RecordBatch().wrap(batch, 0).updateCrc();
            return batch;
        }
        return compressed(codec, batch);
    }

    private static void assertRefused(Partition p, ByteBuffer batch, String compressedDetail, String plainDetail) {
        RecordValidationException e = assertThrows(RecordValidationException.class, () -> p.appendBatch(batch));
        boolean compressed = new RecordBatch().wrap(batch, 0).isCompressed();
        String detail = compressed || plainDetail == null ? compressedDetail : plainDetail;
        assertTrue(e.getMessage().contains(detail), e.getMessage());
        assertTrue(e.recordErrors().isEmpty(), "a batch-level refusal names no record");
    }

    @Test
    void aControlBatchFromAClientIsAnInvalidRecord() {
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            ByteBuffer control = records(NOW_MS, "a");
            control.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) RecordBatchDescriptor.CONTROL_FLAG_MASK);
            new RecordBatch().wrap(control, 0).updateCrc();
            RecordValidationException e = assertThrows(RecordValidationException.class, () -> p.appendBatch(control));
            assertEquals("Clients are not allowed to write control records in topic partition t-0", e.getMessage());
            assertEquals(0, p.latestOffset());
        }
    }

    @Test
    void aRecordCountThatDisagreesWithTheOffsetRangeIsAnInvalidRecord() {
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1);
            Partition p = engine.partition("t", 0);
            ByteBuffer batch = records(NOW_MS, "a", "b");
            batch.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, 5);
            new RecordBatch().wrap(batch, 0).updateCrc();
            assertThrows(RecordValidationException.class, () -> p.appendBatch(batch));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lz4"})
    void timestampsOutOfTheTopicsRangeAreInvalidTimestampsNamedPerRecord(String codec) {
        try (LogEngine engine = open()) {
            engine.createTopic("t", 1, TopicConfig.of(Map.of(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "60000")));
            engine.createTopic("defaults", 1);
            Partition p = engine.partition("t", 0);
            long hour = 3_600_000;
            RecordBatchBuilder builder = new RecordBatchBuilder(256)
                    .append(NOW_MS, bytes("k0"), bytes("now"))
                    .append(NOW_MS + hour + 1, bytes("k1"), bytes("one hour and 1 ms ahead"))
                    .append(NOW_MS - 60_000, bytes("k2"), bytes("a minute behind"))
                    .append(NOW_MS - 60_001, bytes("k3"), bytes("a minute and 1 ms behind"))
                    .append(NOW_MS + hour, bytes("k4"), bytes("one hour ahead"));
            ByteBuffer built = builder.build();
            ByteBuffer batch = encode(codec, ByteBuffer.allocate(built.remaining()).put(built).flip());
            RecordValidationException e = assertThrows(RecordValidationException.class,
                    () -> p.appendBatch(batch.duplicate()));
            assertTrue(e.invalidTimestamp());
            assertEquals("One or more records have been rejected due to invalid timestamp", e.getMessage());
            String range = " is out of range. The timestamp should be within [" + (NOW_MS - 60_000) + ", "
                    + (NOW_MS + hour) + "]";
            assertEquals(List.of(
                    new RecordError(1, "Timestamp " + (NOW_MS + hour + 1) + " of message with offset 1" + range),
                    new RecordError(3, "Timestamp " + (NOW_MS - 60_001) + " of message with offset 3" + range)),
                    e.recordErrors());
            assertEquals(0, p.latestOffset());
            // Kafka 4's defaults: any age, at most an hour ahead.
            Partition defaults = engine.partition("defaults", 0);
            RecordValidationException ahead = assertThrows(RecordValidationException.class,
                    () -> defaults.appendBatch(batch.duplicate()));
            assertEquals(List.of(1), ahead.recordErrors().stream().map(RecordError::batchIndex).toList());
            assertEquals(0, defaults.appendBatch(encode(codec, records(0, "old", "older"))));
            assertEquals(0, p.appendBatch(encode(codec, records(-1, "no timestamp"))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void keylessRecordsOnACompactedTopicAreNamedOneByOne(String codec) {
        try (LogEngine engine = open()) {
            engine.createTopic("c", 1, TopicConfig.of(Map.of(TopicConfig.CLEANUP_POLICY, "compact")));
            Partition p = engine.partition("c", 0);
            ByteBuffer batch = encode(codec, records(NOW_MS, "k0", null, "k2", null));
            KeylessRecordException e = assertThrows(KeylessRecordException.class, () -> p.appendBatch(batch));
            String why = "Compacted topic cannot accept message without key in topic partition c-0";
            assertEquals(List.of(new RecordError(1, why), new RecordError(3, why)), e.recordErrors());
            assertEquals("One or more records have been rejected due to 2 record errors in total, and only showing the"
                    + " first three errors at most: [RecordError(batchIndex=1, message='" + why + "'), "
                    + "RecordError(batchIndex=3, message='" + why + "')]", e.getMessage());
            assertInstanceOf(RecordValidationException.class, e);
            assertEquals(0, p.appendBatch(encode(codec, records(NOW_MS, "k0", "k1"))));
        }
    }
}
