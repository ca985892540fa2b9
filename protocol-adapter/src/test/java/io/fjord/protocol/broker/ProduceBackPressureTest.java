package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import io.fjord.log.Partition;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.writer.Admission;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.testsupport.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full writer queue never stalls the selector thread: with one network thread, one writer held busy
 * and a writer queue of one, a producer's connection is muted while another connection of the same
 * selector thread is answered; the produce completes with the right offsets once the writer is free, or
 * times out with REQUEST_TIMED_OUT at append.timeout.ms, or fails (not hangs) when the engine closes.
 *
 * <p>The writer is held by an in-process append whose completion callback (on the writer thread) waits
 * on a latch; a second in-process append fills the queue.
 */
@Timeout(120)
class ProduceBackPressureTest {
    private static final short PRODUCE_VERSION = 9;
    private static final short METADATA_VERSION = 9;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final CountDownLatch writerHeld = new CountDownLatch(1);
    private final CountDownLatch releaseWriter = new CountDownLatch(1);
    private LogEngine engine;
    private Broker broker;

    @AfterEach
    void stop() {
        releaseWriter.countDown();
        if (broker != null) {
            broker.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    /** Engine and broker with one writer (queue of one) and one network thread; the writer held and its queue full. */
    private Partition startHeld(long appendTimeoutMs) throws Exception {
        engine = LogEngine.open(EngineConfig.builder(dir).writerThreads(1).writerQueueCapacity(1)
                .appendTimeoutMs(appendTimeoutMs).build());
        engine.createTopic("t", 2);
        BrokerConfig.Builder config = BrokerConfig.builder().listener("127.0.0.1", 0);
        config.net().selectorThreads(1);
        broker = Broker.start(engine, config.build());
        Partition partition = engine.partition("t", 0);
        partition.appendBatchAsync(batch("held"), (base, last, error) -> {
            writerHeld.countDown();
            try {
                releaseWriter.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(writerHeld.await(30, TimeUnit.SECONDS), "the writer took the holding append");
        assertEquals(Admission.QUEUED, partition.tryAppendBatchAsync(batch("filler"), (base, last, error) -> { }));
        return partition;
    }

    @Test
    void aMutedProducerDoesNotStallOtherConnectionsAndCompletesOnceTheWriterHasRoom() throws Exception {
        Partition partition = startHeld(EngineConfig.DEFAULT_APPEND_TIMEOUT_MS);
        try (WireClient producer = new WireClient(broker); WireClient other = new WireClient(broker)) {
            // Both partitions of t are on the one writer: both wait, and are retried when it has room.
            int first = producer.send(ApiKey.PRODUCE, PRODUCE_VERSION, produce(batch("a0", "a1"), batch("p1-a")));
            int second = producer.send(ApiKey.PRODUCE, PRODUCE_VERSION, produce(batch("b0"), null));
            Waits.waitUntil(WAIT, () -> broker.netMetrics().connectionsReadPaused() == 1,
                    () -> "producer connection muted: " + broker.netMetrics());

            // The selector thread that read the produce answers another connection meanwhile.
            MetadataResponse metadata = (MetadataResponse) other.call(ApiKey.METADATA, METADATA_VERSION,
                    new MetadataRequest().setTopics(new ArrayList<>()).setAllowAutoTopicCreation(false));
            assertEquals(1, metadata.brokers().size());
            ApiVersionsResponse versions = (ApiVersionsResponse) other.call(ApiKey.API_VERSIONS, (short) 3,
                    new ApiVersionsRequest());
            assertEquals(Errors.NONE.code(), versions.errorCode());
            assertEquals(1, broker.netMetrics().connectionsReadPaused(), "still muted: the writer is still held");
            assertEquals(3, broker.netMetrics().framesReceived(), "the second produce was not read while muted");

            releaseWriter.countDown();
            ProduceResponse firstResponse = (ProduceResponse) producer.receive(ApiKey.PRODUCE, PRODUCE_VERSION, first);
            ProduceResponse.PartitionProduceResponse p0 = firstResponse.responses().get(0).partitionResponses().get(0);
            ProduceResponse.PartitionProduceResponse p1 = firstResponse.responses().get(0).partitionResponses().get(1);
            assertEquals(Errors.NONE.code(), p0.errorCode(), p0.errorMessage());
            assertEquals(2, p0.baseOffset(), "after the held append and the filler");
            assertEquals(Errors.NONE.code(), p1.errorCode(), p1.errorMessage());
            assertEquals(0, p1.baseOffset());
            ProduceResponse secondResponse = (ProduceResponse) producer.receive(ApiKey.PRODUCE, PRODUCE_VERSION, second);
            ProduceResponse.PartitionProduceResponse b = secondResponse.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.NONE.code(), b.errorCode(), b.errorMessage());
            assertEquals(4, b.baseOffset());
        }
        assertEquals(List.of("held", "filler", "a0", "a1", "b0"), values(partition));
        assertEquals(List.of("p1-a"), values(engine.partition("t", 1)));
        assertEquals(0, broker.netMetrics().connectionsReadPaused());
        assertTrue(broker.netMetrics().readPausesByHandlers() >= 1);
        assertEquals(0, broker.state().produceBackPressure.waitingRequests());
    }

    @Test
    void aProduceBackPressuredLongerThanTheAppendTimeoutGetsRequestTimedOutAndIsNotAppended() throws Exception {
        Partition partition = startHeld(200);
        try (WireClient producer = new WireClient(broker)) {
            ProduceResponse response = (ProduceResponse) producer.call(ApiKey.PRODUCE, PRODUCE_VERSION,
                    produce(batch("late"), null));
            ProduceResponse.PartitionProduceResponse p0 = response.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.REQUEST_TIMED_OUT.code(), p0.errorCode(), p0.errorMessage());
            assertTrue(p0.errorMessage().contains("append.timeout.ms"), p0.errorMessage());
            Waits.waitUntil(WAIT, () -> broker.state().produceBackPressure.waitingRequests() == 0,
                    () -> "the timed-out request forgotten");

            releaseWriter.countDown();
            // The connection reads again, and its stale room callback appends nothing.
            ProduceResponse next = (ProduceResponse) producer.call(ApiKey.PRODUCE, PRODUCE_VERSION,
                    produce(batch("next"), null));
            ProduceResponse.PartitionProduceResponse n = next.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.NONE.code(), n.errorCode(), n.errorMessage());
            assertEquals(2, n.baseOffset());
        }
        assertEquals(List.of("held", "filler", "next"), values(partition));
    }

    @Test
    void anEngineClosingWhileAProduceWaitsForRoomAnswersItWithAnError() throws Exception {
        startHeld(EngineConfig.DEFAULT_APPEND_TIMEOUT_MS);
        try (WireClient producer = new WireClient(broker)) {
            int id = producer.send(ApiKey.PRODUCE, PRODUCE_VERSION, produce(batch("x"), null));
            Waits.waitUntil(WAIT, () -> broker.netMetrics().connectionsReadPaused() == 1,
                    () -> "producer connection muted: " + broker.netMetrics());
            Thread closer = new Thread(engine::close, "test-engine-closer");
            closer.start();
            Waits.waitUntil(WAIT, engine::isClosed, () -> "engine closing");
            releaseWriter.countDown(); // the close waits for the writer, which then runs its room callbacks
            closer.join();
            ProduceResponse response = (ProduceResponse) producer.receive(ApiKey.PRODUCE, PRODUCE_VERSION, id);
            ProduceResponse.PartitionProduceResponse p0 = response.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), p0.errorCode(), p0.errorMessage());
        }
        Waits.waitUntil(WAIT, () -> broker.netMetrics().connectionsReadPaused() == 0, () -> "unmuted");
    }

    @Test
    void aBrokerClosingWhileAProduceWaitsForRoomFreesIt() throws Exception {
        startHeld(EngineConfig.DEFAULT_APPEND_TIMEOUT_MS);
        try (WireClient producer = new WireClient(broker)) {
            producer.send(ApiKey.PRODUCE, PRODUCE_VERSION, produce(batch("x"), null));
            Waits.waitUntil(WAIT, () -> broker.state().produceBackPressure.waitingRequests() == 1,
                    () -> "produce waiting for room");
            broker.close();
            assertEquals(0, broker.state().produceBackPressure.waitingRequests());
            assertEquals(0, broker.netMetrics().connectionsReadPaused());
            assertEquals(0, broker.netMetrics().openConnections());
        }
        broker = null;
    }

    /**
     * Real producers through a writer queue of one, nobody holding the writer: appends keep meeting a
     * full queue, so connections mute and room callbacks retry on the writer thread all the time. Every
     * record is acknowledged once, at its own offset, and is in the log exactly once.
     */
    @Test
    void manyProducersThroughAQueueOfOneLoseAndDuplicateNothing() throws Exception {
        engine = LogEngine.open(EngineConfig.builder(dir).writerThreads(1).writerQueueCapacity(1).build());
        int partitions = 4;
        engine.createTopic("s", partitions);
        BrokerConfig.Builder config = BrokerConfig.builder().listener("127.0.0.1", 0);
        config.net().selectorThreads(1);
        broker = Broker.start(engine, config.build());
        int producers = 4;
        int perProducer = 2_000;
        List<org.apache.kafka.clients.producer.KafkaProducer<String, String>> clients = new ArrayList<>();
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
        try {
            for (int p = 0; p < producers; p++) {
                java.util.Properties props = new java.util.Properties();
                props.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
                props.put(org.apache.kafka.clients.producer.ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        org.apache.kafka.common.serialization.StringSerializer.class.getName());
                props.put(org.apache.kafka.clients.producer.ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        org.apache.kafka.common.serialization.StringSerializer.class.getName());
                props.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, "0");
                props.put(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG, "512");
                clients.add(new org.apache.kafka.clients.producer.KafkaProducer<>(props));
            }
            for (int i = 0; i < perProducer; i++) {
                for (int p = 0; p < producers; p++) {
                    String value = "p" + p + "-" + i;
                    sent.add(clients.get(p).send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            "s", i % partitions, null, value)));
                }
            }
            java.util.Set<String> acknowledged = new java.util.HashSet<>();
            for (java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> future : sent) {
                org.apache.kafka.clients.producer.RecordMetadata metadata = future.get(60, TimeUnit.SECONDS);
                assertTrue(acknowledged.add(metadata.partition() + "@" + metadata.offset()),
                        "offset acknowledged twice: " + metadata);
            }
        } finally {
            for (org.apache.kafka.clients.producer.KafkaProducer<String, String> client : clients) {
                client.close(Duration.ofSeconds(30));
            }
        }
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (int p = 0; p < producers; p++) {
            for (int i = 0; i < perProducer; i++) {
                expected.add("p" + p + "-" + i);
            }
        }
        List<String> logged = new ArrayList<>();
        long total = 0;
        for (int partition = 0; partition < partitions; partition++) {
            logged.addAll(values(engine.partition("s", partition)));
            total += engine.partition("s", partition).latestOffset();
        }
        assertEquals(producers * perProducer, logged.size(), "records in the log");
        assertEquals(expected, new java.util.HashSet<>(logged), "each record once");
        assertEquals(producers * perProducer, total);
        System.out.println("Back-pressure episodes: " + broker.netMetrics().readPausesByHandlers());
        assertEquals(0, broker.netMetrics().connectionsReadPaused());
        Waits.waitUntil(WAIT, () -> broker.state().produceBackPressure.waitingRequests() == 0,
                () -> "no request left waiting");
    }

    private static ByteBuffer batch(String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(128);
        for (String value : values) {
            builder.append(1L, null, value.getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer built = builder.build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    /** A produce (acks=1) to t-0 and, when {@code partition1} is not null, t-1. */
    private static ProduceRequest produce(ByteBuffer partition0, ByteBuffer partition1) {
        ProduceRequest request = new ProduceRequest().setAcks((short) 1).setTimeoutMs(30_000);
        ProduceRequest.TopicProduceData topic = new ProduceRequest.TopicProduceData().setName("t");
        topic.partitionData().add(new ProduceRequest.PartitionProduceData().setIndex(0)
                .setRecords(new BufferRecords(partition0)));
        if (partition1 != null) {
            topic.partitionData().add(new ProduceRequest.PartitionProduceData().setIndex(1)
                    .setRecords(new BufferRecords(partition1)));
        }
        request.topicData().add(topic);
        return request;
    }

    private static List<String> values(Partition partition) {
        List<String> values = new ArrayList<>();
        try (LogReader reader = partition.reader(0)) {
            while (reader.poll(record -> values.add(new String(record.valueBytes(), StandardCharsets.UTF_8)), 1000) > 0) {
                // keep reading to the log end
            }
        }
        return values;
    }
}
