package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.net.ListenSocket;
import io.fjord.net.NetServer;
import io.fjord.protocol.Errors;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.testsupport.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fetches parked in the purgatory, seen through a broker whose partition reads are counted: a
 * parked fetch compares log end positions and reads only once, when it completes; it answers a
 * partition deleted under it, the purgatory's bound, and the purgatory's close.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParkedFetchTest {
    private static final short FETCH_VERSION = 12;
    /** Longer than the client socket's 30 s timeout: an answer seen here never comes from expiry. */
    private static final int MAX_WAIT_MS = 600_000;

    @TempDir
    Path dir;

    private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    private LogEngine engine;
    private FetchPurgatory purgatory;
    private AdminExecutor admin;
    private NetServer server;
    private int port;

    private void start(int maxWaitingFetches) throws IOException {
        engine = LogEngine.open(dir);
        engine.createTopic("hot", 1);
        engine.createTopic("cold", 1);
        engine.createTopic("small-segments", 1, TopicConfig.of(Map.of(TopicConfig.SEGMENT_BYTES, "1024")));
        BrokerConfig config = BrokerConfig.builder().listener("127.0.0.1", 0).maxWaitingFetches(maxWaitingFetches)
                .maxFetchWaitMs(MAX_WAIT_MS).build();
        ListenSocket socket = Broker.listen(config);
        port = socket.boundAddress().getPort();
        BrokerState state = new BrokerState(engine, config, "127.0.0.1", port, engine::groupCoordinator);
        purgatory = new FetchPurgatory(config.maxWaitingFetches(), (partition, offset, maxBytes) -> {
            reads.computeIfAbsent(partition.topicPartition().topic(), t -> new AtomicInteger()).incrementAndGet();
            return partition.read(offset, maxBytes);
        });
        engine.addAppendListener(purgatory);
        admin = new AdminExecutor(config.adminThreads(), config.maxQueuedAdminRequests(), state.protocolMetrics);
        server = NetServer.start(socket, new KafkaRequestRouter(state, purgatory, admin));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (purgatory != null) {
            engine.removeAppendListener(purgatory);
            purgatory.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private int reads(String topic) {
        AtomicInteger count = reads.get(topic);
        return count == null ? 0 : count.get();
    }

    private static FetchRequest fetch(int minBytes, String... topics) {
        FetchRequest request = new FetchRequest().setReplicaId(-1).setMaxWaitMs(MAX_WAIT_MS).setMinBytes(minBytes)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        for (String name : topics) {
            FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic(name);
            topic.partitions().add(new FetchRequest.FetchPartition().setPartition(0).setFetchOffset(0)
                    .setPartitionMaxBytes(1 << 20));
            request.topics().add(topic);
        }
        return request;
    }

    private void append(String topic, int valueBytes) {
        byte[] value = "x".repeat(valueBytes).getBytes(StandardCharsets.UTF_8);
        engine.partition(topic, 0).append(null, value, 1L);
    }

    private static FetchResponse.PartitionData partition(FetchResponse response, String topic) {
        return response.responses().stream().filter(t -> t.topic().equals(topic)).findFirst().orElseThrow()
                .partitions().get(0);
    }

    private static int recordBytes(FetchResponse.PartitionData data) {
        return data.records() == null ? 0 : data.records().sizeInBytes();
    }

    @Test
    void aParkedFetchComparesPositionsAndReadsOnlyWhenItCompletes() throws Exception {
        start(BrokerConfig.DEFAULT_MAX_WAITING_FETCHES);
        try (WireClient consumer = new WireClient(port)) {
            int id = consumer.send(ApiKey.FETCH, FETCH_VERSION, fetch(4_096, "hot", "cold"));
            Waits.waitUntil(Duration.ofSeconds(30), () -> purgatory.waitingCount() == 1, () -> "the fetch parks");
            assertEquals(1, reads("hot"), "read once on arrival");
            assertEquals(1, reads("cold"), "read once on arrival");

            // Small appends to one partition: each is checked (positions compared), none reads.
            int smallAppends = 5;
            for (int i = 1; i <= smallAppends; i++) {
                long before = purgatory.checksRun();
                append("hot", 100);
                Waits.waitUntil(Duration.ofSeconds(30), () -> purgatory.checksRun() > before,
                        () -> "the append is checked");
            }
            assertEquals(1, purgatory.waitingCount(), "5 small records are under min_bytes");
            assertEquals(1, reads("hot"), "no partition is read again while the fetch waits");
            assertEquals(1, reads("cold"), "no partition is read again while the fetch waits");

            append("hot", 5_000); // now min_bytes is met
            FetchResponse response = (FetchResponse) consumer.receive(ApiKey.FETCH, FETCH_VERSION, id);
            assertEquals(Errors.NONE.code(), partition(response, "hot").errorCode());
            assertTrue(recordBytes(partition(response, "hot")) >= 4_096, "the answer holds what was appended");
            assertEquals(smallAppends + 1, partition(response, "hot").highWatermark());
            assertEquals(0, recordBytes(partition(response, "cold")));
            assertEquals(2, reads("hot"), "read once more, to build the response");
            assertEquals(2, reads("cold"), "read once more, to build the response");
            assertEquals(0, purgatory.waitingCount());
        }
    }

    /** Positions of two segments cannot be subtracted: a roll answers the fetch with what there is (as Kafka's). */
    @Test
    void aSegmentRollCompletesAParkedFetch() throws Exception {
        start(BrokerConfig.DEFAULT_MAX_WAITING_FETCHES);
        while (engine.partition("small-segments", 0).endPosition().segmentBaseOffset() == 0) {
            append("small-segments", 100); // fill the first segment until the log rolls
        }
        long end = engine.partition("small-segments", 0).latestOffset();
        try (WireClient consumer = new WireClient(port)) {
            FetchRequest request = fetch(1 << 20, "small-segments");
            request.topics().get(0).partitions().get(0).setFetchOffset(end);
            int id = consumer.send(ApiKey.FETCH, FETCH_VERSION, request);
            Waits.waitUntil(Duration.ofSeconds(30), () -> purgatory.waitingCount() == 1, () -> "the fetch parks");
            long base = engine.partition("small-segments", 0).endPosition().segmentBaseOffset();
            while (engine.partition("small-segments", 0).endPosition().segmentBaseOffset() == base) {
                append("small-segments", 100);
            }
            FetchResponse response = (FetchResponse) consumer.receive(ApiKey.FETCH, FETCH_VERSION, id);
            FetchResponse.PartitionData data = partition(response, "small-segments");
            assertEquals(Errors.NONE.code(), data.errorCode());
            assertTrue(recordBytes(data) > 0, "what was appended before the roll");
            assertTrue(recordBytes(data) < 1 << 20, "answered on the roll, not on min_bytes");
        }
    }

    /** A consumer behind, in an older segment, is answered at once: a read stops at that segment's end. */
    @Test
    void aFetchFromAnOlderSegmentIsAnsweredAtOnceWhateverItsMinBytes() throws Exception {
        start(BrokerConfig.DEFAULT_MAX_WAITING_FETCHES);
        while (engine.partition("small-segments", 0).endPosition().segmentBaseOffset() == 0) {
            append("small-segments", 100);
        }
        try (WireClient consumer = new WireClient(port)) {
            FetchResponse response = (FetchResponse) consumer.call(ApiKey.FETCH, FETCH_VERSION,
                    fetch(1 << 20, "small-segments"));
            FetchResponse.PartitionData data = partition(response, "small-segments");
            assertEquals(Errors.NONE.code(), data.errorCode());
            assertTrue(recordBytes(data) > 0 && recordBytes(data) <= 1024, "the first segment's batches");
            assertEquals(0, purgatory.waitingCount());
        }
    }

    @Test
    void aFetchOnAPartitionDeletedWhileItWaitsIsAnsweredWithTheError() throws Exception {
        start(BrokerConfig.DEFAULT_MAX_WAITING_FETCHES);
        try (WireClient consumer = new WireClient(port)) {
            int id = consumer.send(ApiKey.FETCH, FETCH_VERSION, fetch(1, "cold"));
            Waits.waitUntil(Duration.ofSeconds(30), () -> purgatory.waitingCount() == 1, () -> "the fetch parks");
            engine.deleteTopic("cold");
            // Answered because the deletion signals the partition, not because max_wait_ms ran out.
            Waits.waitUntil(Duration.ofSeconds(20), () -> purgatory.waitingCount() == 0, () -> "the fetch is answered");
            FetchResponse response = (FetchResponse) consumer.receive(ApiKey.FETCH, FETCH_VERSION, id);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partition(response, "cold").errorCode());
        }
    }

    @Test
    void beyondTheBoundAFetchIsAnsweredAtOnceWithWhatThereIs() throws Exception {
        start(1);
        try (WireClient first = new WireClient(port); WireClient second = new WireClient(port)) {
            int waitingId = first.send(ApiKey.FETCH, FETCH_VERSION, fetch(1, "hot"));
            Waits.waitUntil(Duration.ofSeconds(30), () -> purgatory.waitingCount() == 1, () -> "the fetch parks");
            FetchResponse refused = (FetchResponse) second.call(ApiKey.FETCH, FETCH_VERSION, fetch(1, "hot"));
            assertEquals(Errors.NONE.code(), partition(refused, "hot").errorCode());
            assertEquals(0, recordBytes(partition(refused, "hot")), "answered empty, not parked");
            assertEquals(1, purgatory.waitingCount());
            append("hot", 10);
            FetchResponse woken = (FetchResponse) first.receive(ApiKey.FETCH, FETCH_VERSION, waitingId);
            assertTrue(recordBytes(partition(woken, "hot")) > 0);
        }
    }

    @Test
    void closingThePurgatoryAnswersEveryWaitingFetch() throws Exception {
        start(BrokerConfig.DEFAULT_MAX_WAITING_FETCHES);
        try (WireClient a = new WireClient(port); WireClient b = new WireClient(port)) {
            int idA = a.send(ApiKey.FETCH, FETCH_VERSION, fetch(1, "hot"));
            int idB = b.send(ApiKey.FETCH, FETCH_VERSION, fetch(1, "hot", "cold"));
            Waits.waitUntil(Duration.ofSeconds(30), () -> purgatory.waitingCount() == 2, () -> "both fetches park");
            purgatory.close();
            FetchResponse answerA = (FetchResponse) a.receive(ApiKey.FETCH, FETCH_VERSION, idA);
            FetchResponse answerB = (FetchResponse) b.receive(ApiKey.FETCH, FETCH_VERSION, idB);
            assertEquals(Errors.NONE.code(), partition(answerA, "hot").errorCode());
            assertEquals(Errors.NONE.code(), partition(answerB, "cold").errorCode());
            assertEquals(0, purgatory.waitingCount());
        }
    }
}
