package io.fjord.protocol.broker;

import java.time.Duration;
import io.fjord.testsupport.Waits;
import io.fjord.log.LogEngine;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact requests through Fjord's own codecs: behaviour real clients rely on but rarely show. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireProtocolTest {
    private static final short FETCH_VERSION = 12;
    private static final short PRODUCE_VERSION = 9;

    @TempDir
    Path dir;

    private LogEngine engine;
    private Broker broker;

    @BeforeEach
    void start() {
        engine = LogEngine.open(dir);
        engine.createTopic("t", 1);
        broker = Broker.start(engine, BrokerConfig.port(0));
    }

    @AfterEach
    void stop() {
        broker.close();
        engine.close();
    }

    private static ByteBuffer batch(String value) {
        ByteBuffer built = new RecordBatchBuilder(128).append(1L, null, value.getBytes(StandardCharsets.UTF_8)).build();
        return ByteBuffer.allocate(built.remaining()).put(built).flip();
    }

    private static ProduceRequest produce(short acks, ByteBuffer records) {
        ProduceRequest request = new ProduceRequest().setAcks(acks).setTimeoutMs(30_000);
        ProduceRequest.TopicProduceData topic = new ProduceRequest.TopicProduceData().setName("t");
        topic.partitionData().add(new ProduceRequest.PartitionProduceData().setIndex(0)
                .setRecords(new BufferRecords(records)));
        request.topicData().add(topic);
        return request;
    }

    private static FetchRequest fetch(long offset, int minBytes, int maxWaitMs) {
        FetchRequest request = new FetchRequest().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(minBytes)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic("t");
        topic.partitions().add(new FetchRequest.FetchPartition().setPartition(0).setFetchOffset(offset)
                .setPartitionMaxBytes(1 << 20));
        request.topics().add(topic);
        return request;
    }

    private static FetchResponse.PartitionData only(FetchResponse response) {
        return response.responses().get(0).partitions().get(0);
    }

    @Test
    void aWaitingFetchIsWokenByAnAppend() throws IOException {
        try (WireClient consumer = new WireClient(broker); WireClient producer = new WireClient(broker)) {
            // Nothing to read yet: the fetch waits (up to 20 s) in the purgatory ...
            int id = consumer.send(ApiKey.FETCH, FETCH_VERSION, fetch(0, 1, 20_000));
            ProduceResponse produced = (ProduceResponse) producer.call(ApiKey.PRODUCE, PRODUCE_VERSION,
                    produce((short) 1, batch("wake up")));
            assertEquals(Errors.NONE.code(), produced.responses().get(0).partitionResponses().get(0).errorCode());
            // ... and the append answers it with the new batch, long before its wait is over.
            FetchResponse response = (FetchResponse) consumer.receive(ApiKey.FETCH, FETCH_VERSION, id);
            FetchResponse.PartitionData data = only(response);
            assertEquals(Errors.NONE.code(), data.errorCode());
            assertEquals(1, data.highWatermark());
            assertEquals(0, data.logStartOffset());
            assertTrue(data.records().sizeInBytes() > 0);
            assertEquals(0, response.sessionId(), "sessionless");
        }
    }

    @Test
    void aFetchWithNothingToReadAnswersEmptyWhenItsWaitEnds() throws IOException {
        try (WireClient consumer = new WireClient(broker)) {
            FetchResponse response = (FetchResponse) consumer.call(ApiKey.FETCH, FETCH_VERSION, fetch(0, 1, 100));
            FetchResponse.PartitionData data = only(response);
            assertEquals(Errors.NONE.code(), data.errorCode());
            assertEquals(0, data.records() == null ? 0 : data.records().sizeInBytes());
            FetchResponse outOfRange = (FetchResponse) consumer.call(ApiKey.FETCH, FETCH_VERSION, fetch(5, 1, 100));
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), only(outOfRange).errorCode());
        }
    }

    @Test
    void acksZeroGetsNoResponseButIsStoredAndOrderIsKept() throws Exception {
        try (WireClient client = new WireClient(broker)) {
            client.send(ApiKey.PRODUCE, PRODUCE_VERSION, produce((short) 0, batch("fire and forget")));
            int id = client.send(ApiKey.API_VERSIONS, (short) 3, new ApiVersionsRequest());
            // The next response on the wire is the ApiVersions one: acks=0 sent nothing.
            ApiVersionsResponse versions = (ApiVersionsResponse) client.receive(ApiKey.API_VERSIONS, (short) 3, id);
            assertEquals(Errors.NONE.code(), versions.errorCode());
        }
        Waits.waitUntil(Duration.ofSeconds(60), () -> engine.partition("t", 0).latestOffset() >= 1,
                () -> "the acks=0 batch appended");
        assertEquals(1, engine.partition("t", 0).latestOffset());
    }

    @Test
    void producedBatchesAreValidatedPerPartition() throws IOException {
        try (WireClient client = new WireClient(broker)) {
            ByteBuffer withOffset = batch("x");
            withOffset.putLong(0, 42); // producers send base offset 0
            assertEquals(Errors.INVALID_RECORD.code(), produceError(client, produce((short) 1, withOffset)));
            ByteBuffer corrupt = batch("y");
            corrupt.put(corrupt.limit() - 1, (byte) 7);
            assertEquals(Errors.CORRUPT_MESSAGE.code(), produceError(client, produce((short) 1, corrupt)));
            ByteBuffer oldFormat = batch("z");
            oldFormat.put(16, (byte) 1); // message format v1
            assertEquals(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT.code(), produceError(client, produce((short) 1, oldFormat)));
            assertEquals(Errors.INVALID_REQUIRED_ACKS.code(), produceError(client, produce((short) 2, batch("w"))));
            ProduceRequest unknown = produce((short) 1, batch("u"));
            unknown.topicData().get(0).setName("no-such-topic");
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), produceError(client, unknown));
            assertEquals(0, engine.partition("t", 0).latestOffset());
        }
    }

    @Test
    void aKeylessRecordOnACompactedTopicIsAnInvalidRecordAsInKafka() throws IOException {
        engine.createTopic("compacted", 1, io.fjord.log.TopicConfig.of(java.util.Map.of("cleanup.policy", "compact")));
        try (WireClient client = new WireClient(broker)) {
            ProduceRequest keyless = produce((short) 1, batch("no key"));
            keyless.topicData().get(0).setName("compacted");
            assertEquals(Errors.INVALID_RECORD.code(), produceError(client, keyless));
            assertEquals(0, engine.partition("compacted", 0).latestOffset());
        }
    }

    private static short produceError(WireClient client, ProduceRequest request) throws IOException {
        ProduceResponse response = (ProduceResponse) client.call(ApiKey.PRODUCE, PRODUCE_VERSION, request);
        return response.responses().get(0).partitionResponses().get(0).errorCode();
    }

    @Test
    void createTopicsValidateOnlyCreatesNothing() throws IOException {
        try (WireClient client = new WireClient(broker)) {
            CreateTopicsRequest request = new CreateTopicsRequest().setValidateOnly(true).setTimeoutMs(10_000);
            request.topics().add(new CreateTopicsRequest.CreatableTopic().setName("maybe").setNumPartitions(3)
                    .setReplicationFactor((short) 1));
            request.topics().add(new CreateTopicsRequest.CreatableTopic().setName("bad/name").setNumPartitions(1)
                    .setReplicationFactor((short) 1));
            request.topics().add(new CreateTopicsRequest.CreatableTopic().setName("replicated").setNumPartitions(1)
                    .setReplicationFactor((short) 3));
            CreateTopicsResponse response = (CreateTopicsResponse) client.call(ApiKey.CREATE_TOPICS, (short) 6, request);
            assertEquals(Errors.NONE.code(), response.topics().get(0).errorCode());
            assertEquals(3, response.topics().get(0).numPartitions());
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), response.topics().get(1).errorCode());
            assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), response.topics().get(2).errorCode());
            assertFalse(engine.topicExists("maybe"));
        }
    }

    @Test
    void metadataAutoCreatesOnlyWhenTheClientAllowsIt() throws IOException {
        try (WireClient client = new WireClient(broker)) {
            MetadataRequest refuse = new MetadataRequest().setAllowAutoTopicCreation(false)
                    .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("lazy")));
            MetadataResponse none = (MetadataResponse) client.call(ApiKey.METADATA, (short) 9, refuse);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), none.topics().get(0).errorCode());
            assertFalse(engine.topicExists("lazy"));
            MetadataRequest allow = new MetadataRequest().setAllowAutoTopicCreation(true)
                    .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("lazy")));
            MetadataResponse created = (MetadataResponse) client.call(ApiKey.METADATA, (short) 9, allow);
            assertEquals(Errors.NONE.code(), created.topics().get(0).errorCode());
            assertEquals(1, created.topics().get(0).partitions().size());
            assertEquals(1, created.brokers().size());
            MetadataResponse all = (MetadataResponse) client.call(ApiKey.METADATA, (short) 9,
                    new MetadataRequest().setTopics(null));
            // "t" and "lazy" (the offsets topic appears with the first group request)
            assertEquals(2, all.topics().size());
            engine.groupCoordinator();
            all = (MetadataResponse) client.call(ApiKey.METADATA, (short) 9, new MetadataRequest().setTopics(null));
            assertEquals(3, all.topics().size());
            for (MetadataResponse.MetadataResponseTopic topic : all.topics()) { // internal ones flagged for tools
                assertEquals(topic.name().equals("__consumer_offsets"), topic.isInternal(), topic.name());
            }
        }
    }
}
