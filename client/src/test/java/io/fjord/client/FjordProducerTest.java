package io.fjord.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FjordProducerTest {
    @TempDir
    Path dir;
    private LogEngine engine;

    @BeforeEach
    void open() {
        engine = LogEngine.open(dir);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private Producer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return FjordClients.producer(engine, config);
    }

    @Test
    void keyedRecordsGoWhereKafkasPartitionerSendsThemWithOffsetsInOrder() throws Exception {
        engine.createTopic("t", 4);
        try (Producer<String, String> producer = producer(Map.of())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(producer.send(new ProducerRecord<>("t", "k" + (i % 5), "v" + i)));
            }
            long[] expectedNext = new long[4];
            for (int i = 0; i < 40; i++) {
                RecordMetadata m = futures.get(i).get(5, TimeUnit.SECONDS);
                int expected = Utils.toPositive(Utils.murmur2(("k" + (i % 5)).getBytes(StandardCharsets.UTF_8))) % 4;
                assertEquals(expected, m.partition());
                assertEquals(expectedNext[expected]++, m.offset());
            }
        }
    }

    @Test
    void explicitPartitionHeadersAndTimestampReachTheLog() throws Exception {
        engine.createTopic("t", 2);
        try (Producer<String, String> producer = producer(Map.of())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("t", 1, 1234L, null, "value");
            record.headers().add("h", "x".getBytes(StandardCharsets.UTF_8));
            RecordMetadata m = producer.send(record).get(5, TimeUnit.SECONDS);
            assertEquals(1, m.partition());
            assertEquals(1234L, m.timestamp());
        }
        List<String> seen = new ArrayList<>();
        try (LogReader reader = engine.partition("t", 1).reader(0)) {
            reader.poll(r -> {
                assertTrue(r.nextHeader());
                seen.add(r.timestamp() + " " + r.keyLength() + " " + new String(r.valueBytes(), StandardCharsets.UTF_8)
                        + " " + r.headerKey() + "=" + new String(r.headerValue(), StandardCharsets.UTF_8));
            }, 10);
        }
        assertEquals(List.of("1234 -1 value h=x"), seen);
    }

    @Test
    void callbackRunsOnTheProducerCallbackThreadBeforeFlushReturns() throws Exception {
        engine.createTopic("t", 1);
        CompletableFuture<String> thread = new CompletableFuture<>();
        try (Producer<String, String> producer = producer(Map.of(ProducerConfig.CLIENT_ID_CONFIG, "p1"))) {
            producer.send(new ProducerRecord<>("t", "k", "v"), (m, e) -> thread.complete(Thread.currentThread().getName()));
            producer.flush();
            assertTrue(thread.isDone(), "flush returns after callbacks ran");
        }
        assertEquals("fjord-producer-callbacks | p1", thread.get());
    }

    @Test
    void unknownTopicIsCreatedByDefault() throws Exception {
        try (Producer<String, String> producer = producer(Map.of())) {
            RecordMetadata m = producer.send(new ProducerRecord<>("fresh", "k", "v")).get(5, TimeUnit.SECONDS);
            assertEquals(0, m.offset());
        }
        assertEquals(1, engine.partitionCount("fresh"));
    }

    @Test
    void unknownTopicFailsTheFutureAndCallbackWhenAutoCreateIsOff() {
        CompletableFuture<Exception> callbackError = new CompletableFuture<>();
        try (Producer<String, String> producer = producer(Map.of(ClientConfig.AUTO_CREATE_TOPICS, "false"))) {
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>("missing", "k", "v"),
                    (m, e) -> callbackError.complete(e));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
            assertInstanceOf(UnknownTopicOrPartitionException.class, callbackError.join());
        }
        assertTrue(!engine.topicExists("missing"));
    }

    @Test
    void partitionsForAndUnsupportedMethods() {
        engine.createTopic("t", 3);
        try (Producer<String, String> producer = producer(Map.of())) {
            assertEquals(3, producer.partitionsFor("t").size());
            assertTrue(producer.metrics().isEmpty());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    producer::initTransactions);
            assertTrue(e.getMessage().contains("initTransactions"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, producer::beginTransaction);
        }
    }

    @Test
    void serializerInstancesAndClosedProducer() throws Exception {
        engine.createTopic("t", 1);
        Producer<String, String> producer = FjordClients.producer(engine, Map.of(), new StringSerializer(),
                new StringSerializer());
        assertEquals(0, producer.send(new ProducerRecord<>("t", "k", "v")).get(5, TimeUnit.SECONDS).offset());
        producer.close();
        assertThrows(IllegalStateException.class, () -> producer.send(new ProducerRecord<>("t", "k", "v")));
        assertArrayEquals(new byte[] {'v'}, readValue());
    }

    private byte[] readValue() {
        List<byte[]> values = new ArrayList<>();
        try (LogReader reader = engine.partition("t", 0).reader(0)) {
            reader.poll(r -> values.add(r.valueBytes()), 1);
        }
        return values.get(0);
    }
}
