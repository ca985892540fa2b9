package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.log.record.compress.CompressionCodecs;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.testsupport.TestSeeds;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Produce requests whose batches Kafka refuses, over the wire: garbage behind a valid CRC, headers only a broker
 * may write, timestamps out of range, keyless records on a compacted topic (KIP-467 record errors, seen by a real
 * KafkaProducer); the good batches around them are produced and consumed by Kafka's own consumer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProduceValidationTest {
    private static final short PRODUCE_VERSION = 9;

    @TempDir
    Path dir;

    private LogEngine engine;
    private Broker broker;

    @BeforeEach
    void start() {
        engine = LogEngine.open(dir);
        broker = Broker.start(engine, BrokerConfig.builder().listener("127.0.0.1", 0).build());
    }

    @AfterEach
    void stop() {
        broker.close();
        engine.close();
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer kafkaBatch(String codec, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), bytes("k" + i), bytes(values[i]));
        }
        return MemoryRecords.withRecords(Compression.of(CompressionType.forName(codec)).build(), records).buffer();
    }

    private static ByteBuffer plainBatch(long timestampMs, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (String value : values) {
            builder.append(timestampMs, bytes("key"), bytes(value));
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    /** {@code batch}'s header with {@code section} as its records (codec {@code codecId}) and a matching CRC. */
    private static ByteBuffer withRecordsSection(ByteBuffer batch, int codecId, byte[] section) {
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

    private static ProduceRequest produce(String topic, ByteBuffer... partitions) {
        ProduceRequest request = new ProduceRequest().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequest.TopicProduceData data = new ProduceRequest.TopicProduceData().setName(topic);
        for (int i = 0; i < partitions.length; i++) {
            data.partitionData().add(new ProduceRequest.PartitionProduceData().setIndex(i)
                    .setRecords(new BufferRecords(partitions[i])));
        }
        request.topicData().add(data);
        return request;
    }

    private static ProduceResponse.PartitionProduceResponse call(WireClient client, ProduceRequest request)
            throws IOException {
        ProduceResponse response = (ProduceResponse) client.call(ApiKey.PRODUCE, PRODUCE_VERSION, request);
        return response.responses().get(0).partitionResponses().get(0);
    }

    private static void assertError(Errors expected, ProduceResponse.PartitionProduceResponse response, String what) {
        assertEquals(expected.code(), response.errorCode(), what + ": " + response.errorMessage());
        assertEquals(-1, response.baseOffset(), what);
    }

    @Test
    void garbageBehindAValidCrcIsRefusedWithKafkasCodesAndTheGoodBatchesAroundItAreConsumed() throws IOException {
        Random random = new Random(TestSeeds.seed());
        engine.createTopic("t", 1);
        List<String> good = new ArrayList<>();
        try (WireClient client = new WireClient(broker)) {
            int n = 0;
            for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
                String value = "good-" + codec + "-" + n++;
                assertEquals(Errors.NONE.code(), call(client, produce("t", kafkaBatch(codec, value))).errorCode());
                good.add(value);
                int codecId = CompressionType.forName(codec).id;
                for (int i = 0; i < 5; i++) {
                    byte[] garbage = new byte[1 + random.nextInt(1_000)];
                    random.nextBytes(garbage);
                    assertError(Errors.CORRUPT_MESSAGE, call(client, produce("t",
                            withRecordsSection(plainBatch(1, "a", "b"), codecId, garbage))), "random " + codec);
                }
            }
            // A gzip section cut short: the stream never ends.
            ByteBuffer gzip = kafkaBatch("gzip", "x".repeat(500), "y".repeat(500));
            byte[] section = new byte[gzip.remaining() - RecordBatchDescriptor.HEADER_SIZE];
            gzip.get(RecordBatchDescriptor.HEADER_SIZE, section);
            assertError(Errors.CORRUPT_MESSAGE, call(client, produce("t", withRecordsSection(gzip,
                    RecordBatchDescriptor.COMPRESSION_GZIP, Arrays.copyOf(section, section.length / 2)))),
                    "truncated gzip");
            // 200 MB of zeros in ~200 KB of gzip: its first record (length 0) is malformed, as Kafka finds.
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(bomb, 64 * 1024)) {
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 200; i++) {
                    out.write(zeros);
                }
            }
            assertError(Errors.INVALID_RECORD, call(client, produce("t", withRecordsSection(plainBatch(1, "a"),
                    RecordBatchDescriptor.COMPRESSION_GZIP, bomb.toByteArray()))), "gzip bomb");
            // A control batch: only the broker writes those.
            ByteBuffer control = plainBatch(System.currentTimeMillis(), "commit?");
            control.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short) RecordBatchDescriptor.CONTROL_FLAG_MASK);
            new RecordBatch().wrap(control, 0).updateCrc();
            ProduceResponse.PartitionProduceResponse refused = call(client, produce("t", control));
            assertError(Errors.INVALID_RECORD, refused, "control batch");
            assertEquals("Clients are not allowed to write control records in topic partition t-0",
                    refused.errorMessage());

            String last = "good-after";
            assertEquals(Errors.NONE.code(), call(client, produce("t", kafkaBatch("zstd", last))).errorCode());
            good.add(last);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                BrokerTestSupport.consumerProps(broker.bootstrap()))) {
            List<String> read = BrokerTestSupport.readAll(consumer, List.of(new TopicPartition("t", 0)),
                    Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
            assertEquals(good, read);
        }
    }

    @Test
    void timestampsOutOfRangeAreInvalidTimestampsWithTheRecordsNamed() throws IOException {
        engine.createTopic("t", 1);
        try (WireClient client = new WireClient(broker)) {
            long now = System.currentTimeMillis();
            long farAhead = now + 24 * 3_600_000L; // Kafka 4 allows at most an hour ahead by default
            RecordBatchBuilder builder = new RecordBatchBuilder(256).append(now, bytes("k"), bytes("now"))
                    .append(farAhead, bytes("k"), bytes("tomorrow"));
            ByteBuffer built = builder.build();
            ProduceResponse.PartitionProduceResponse refused = call(client,
                    produce("t", ByteBuffer.allocate(built.remaining()).put(built).flip()));
            assertError(Errors.INVALID_TIMESTAMP, refused, "a day ahead");
            assertEquals("One or more records have been rejected due to invalid timestamp", refused.errorMessage());
            assertEquals(1, refused.recordErrors().size());
            assertEquals(1, refused.recordErrors().get(0).batchIndex());
            assertTrue(refused.recordErrors().get(0).batchIndexErrorMessage()
                    .startsWith("Timestamp " + farAhead + " of message with offset 1 is out of range."),
                    refused.recordErrors().get(0).batchIndexErrorMessage());
            assertEquals(0, engine.partition("t", 0).latestOffset());
        }
    }

    @Test
    void aTransactionalBatchWithoutATransactionalIdFailsTheWholeRequestWithError53() throws IOException {
        engine.createTopic("t", 2);
        try (WireClient client = new WireClient(broker)) {
            ByteBuffer transactional = plainBatch(System.currentTimeMillis(), "in a transaction?");
            short attributes = transactional.getShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET);
            transactional.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET,
                    (short) (attributes | RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK));
            transactional.putLong(RecordBatchDescriptor.PRODUCER_ID_OFFSET, 1000);
            transactional.putInt(RecordBatchDescriptor.BASE_SEQUENCE_OFFSET, 0);
            new RecordBatch().wrap(transactional, 0).updateCrc();
            ProduceRequest request = produce("t", plainBatch(System.currentTimeMillis(), "plain"), transactional);
            assertNull(request.transactionalId());
            ProduceResponse response = (ProduceResponse) client.call(ApiKey.PRODUCE, PRODUCE_VERSION, request);
            for (ProduceResponse.PartitionProduceResponse partition : response.responses().get(0).partitionResponses()) {
                assertError(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, partition, "partition " + partition.index());
            }
            assertEquals(2, response.responses().get(0).partitionResponses().size());
            assertEquals(0, engine.partition("t", 0).latestOffset());
            assertEquals(0, engine.partition("t", 1).latestOffset());
        }
    }

    @Test
    void aKafkaProducerFailsOnlyTheKeylessRecordOfItsBatchAndTheOtherBatchesSucceed() throws Exception {
        engine.createTopic("compacted", 2, TopicConfig.of(Map.of(TopicConfig.CLEANUP_POLICY, "compact")));
        var props = BrokerTestSupport.producerProps(broker.bootstrap());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1000"); // one batch per partition, sent together on flush
        props.put(ProducerConfig.RETRIES_CONFIG, "3");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            Future<RecordMetadata> keyed0 = producer.send(new ProducerRecord<>("compacted", 0, "a", "with key"));
            Future<RecordMetadata> keyless = producer.send(new ProducerRecord<>("compacted", 0, null, "no key"));
            Future<RecordMetadata> keyed2 = producer.send(new ProducerRecord<>("compacted", 0, "c", "with key"));
            Future<RecordMetadata> other = producer.send(new ProducerRecord<>("compacted", 1, "x", "other batch"));
            producer.flush();

            ExecutionException refused = assertThrows(ExecutionException.class, keyless::get);
            InvalidRecordException invalid = assertInstanceOf(InvalidRecordException.class, refused.getCause());
            assertEquals("Compacted topic cannot accept message without key in topic partition compacted-0",
                    invalid.getMessage());
            for (Future<RecordMetadata> company : List.of(keyed0, keyed2)) {
                ExecutionException e = assertThrows(ExecutionException.class, company::get);
                KafkaException cause = assertInstanceOf(KafkaException.class, e.getCause());
                assertTrue(cause.getMessage().contains("part of a batch which had one more more invalid records"),
                        cause.getMessage());
            }
            assertEquals(0, other.get(30, TimeUnit.SECONDS).offset());
            // The producer carries on: its next batch to the refused partition is stored.
            assertEquals(0, producer.send(new ProducerRecord<>("compacted", 0, "a", "again")).get(30, TimeUnit.SECONDS)
                    .offset());
        }
        assertEquals(1, engine.partition("compacted", 0).latestOffset());
        assertEquals(1, engine.partition("compacted", 1).latestOffset());
    }
}
