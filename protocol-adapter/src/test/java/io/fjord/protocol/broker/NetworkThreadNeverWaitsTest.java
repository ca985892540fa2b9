package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.log.group.GroupConfig;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.DeleteTopicsRequest;
import io.fjord.protocol.message.DeleteTopicsResponse;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.testsupport.Waits;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group and admin work never waits on a network thread. The broker has one network thread and
 * the engine one writer thread, which a test holds (an append callback that blocks) to keep
 * {@code __consumer_offsets} appends and DeleteTopics' wait for the writers pending; requests on
 * other connections of that network thread must still be answered meanwhile.
 */
class NetworkThreadNeverWaitsTest {
    /** A hang, not a speed: how long a test waits for a response that must come. */
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final String GROUP = "g";

    @TempDir
    Path dir;

    private LogEngine engine;
    private Broker broker;
    private final List<WireClient> clients = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() throws IOException {
        release.countDown();
        for (WireClient client : clients) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private void start(BrokerConfig.Builder config, Supplier<GroupCoordinator> coordinatorLoad) {
        engine = LogEngine.open(EngineConfig.builder(dir).writerThreads(1)
                .groupConfig(GroupConfig.defaults().withInitialRebalanceDelayMs(0)).build());
        engine.createTopic("t", 1, TopicConfig.defaults());
        config.listener("127.0.0.1", 0).net().selectorThreads(1);
        BrokerConfig built = config.build();
        broker = coordinatorLoad == null ? Broker.start(engine, built)
                : Broker.start(engine, built, Broker.listen(built), coordinatorLoad);
    }

    private WireClient connect() throws IOException {
        WireClient client = new WireClient(broker);
        clients.add(client);
        return client;
    }

    /** Blocks the engine's only writer thread in an append callback until {@link #release} opens. */
    private void holdWriter() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        ByteBuffer built = new RecordBatchBuilder(256).append(0, null, "x".getBytes(StandardCharsets.UTF_8)).build();
        ByteBuffer batch = ByteBuffer.allocate(built.remaining()).put(built).flip();
        engine.partition("t", 0).appendBatchAsync(batch, (base, last, error) -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
    }

    /** Waits until a response is readable, then reads it: a network thread that is stuck fails the wait. */
    private static ApiMessage answer(WireClient client, ApiKey api, short version, int correlationId, String what)
            throws IOException, InterruptedException {
        Waits.waitUntil(ANSWER, () -> {
            try {
                return client.socket().getInputStream().available() > 0;
            } catch (IOException e) {
                return true; // let receive() report it
            }
        }, () -> what);
        return client.receive(api, version, correlationId);
    }

    private static boolean answered(WireClient client) throws IOException {
        return client.socket().getInputStream().available() > 0;
    }

    private static OffsetCommitRequest commit(long offset) {
        return new OffsetCommitRequest().setGroupId(GROUP).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequest.OffsetCommitRequestTopic().setName("t")
                        .setPartitions(List.of(new OffsetCommitRequest.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset)))));
    }

    private static short commitError(ApiMessage response) {
        return ((OffsetCommitResponse) response).topics().get(0).partitions().get(0).errorCode();
    }

    private static ListGroupsResponse listGroups(WireClient client) throws IOException {
        return (ListGroupsResponse) client.call(ApiKey.LIST_GROUPS, (short) 4, new ListGroupsRequest());
    }

    private static void awaitCoordinatorLoaded(WireClient client) throws InterruptedException {
        Waits.waitUntil(ANSWER, () -> {
            try {
                return listGroups(client).errorCode() == Errors.NONE.code();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, () -> "the group coordinator to load");
    }

    @Test
    void anOffsetCommitWaitingForItsAppendDoesNotStopTheNetworkThread() throws Exception {
        start(BrokerConfig.builder(), null);
        WireClient committer = connect();
        WireClient other = connect();
        awaitCoordinatorLoaded(other);
        holdWriter();
        int commitId = committer.send(ApiKey.OFFSET_COMMIT, (short) 8, commit(42));
        // The same (only) network thread answers another connection while the commit's append is held.
        int metadataId = other.send(ApiKey.METADATA, (short) 9, new MetadataRequest().setTopics(null));
        MetadataResponse metadata = (MetadataResponse) answer(other, ApiKey.METADATA, (short) 9, metadataId,
                "Metadata answered while an OffsetCommit's append is held");
        assertTrue(metadata.topics().stream().anyMatch(topic -> topic.name().equals("t")));
        int heartbeatId = other.send(ApiKey.HEARTBEAT, (short) 4, new HeartbeatRequest().setGroupId(GROUP)
                .setMemberId("nobody").setGenerationId(1));
        HeartbeatResponse heartbeat = (HeartbeatResponse) answer(other, ApiKey.HEARTBEAT, (short) 4, heartbeatId,
                "Heartbeat of the committing group answered while its commit's append is held");
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat.errorCode());
        assertFalse(answered(committer), "the commit was answered before it was in the log");
        release.countDown();
        assertEquals(Errors.NONE.code(), commitError(answer(committer, ApiKey.OFFSET_COMMIT, (short) 8, commitId,
                "the commit's answer")));
        OffsetFetchResponse fetched = (OffsetFetchResponse) other.call(ApiKey.OFFSET_FETCH, (short) 8,
                new OffsetFetchRequest().setGroups(List.of(new OffsetFetchRequest.OffsetFetchRequestGroup()
                        .setGroupId(GROUP).setTopics(null))));
        assertEquals(42L, fetched.groups().get(0).topics().get(0).partitions().get(0).committedOffset());
    }

    @Test
    void groupRequestsAnswerLoadInProgressUntilTheCoordinatorIsLoadedThenWork() throws Exception {
        CountDownLatch loadMayFinish = new CountDownLatch(1);
        CountDownLatch loadStarted = new CountDownLatch(1);
        start(BrokerConfig.builder(), () -> {
            loadStarted.countDown();
            try {
                loadMayFinish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return engine.groupCoordinator();
        });
        try {
            WireClient client = connect();
            FindCoordinatorResponse found = (FindCoordinatorResponse) client.call(ApiKey.FIND_COORDINATOR, (short) 3,
                    new FindCoordinatorRequest().setKey(GROUP).setKeyType((byte) 0));
            assertEquals(Errors.NONE.code(), found.errorCode(), "FindCoordinator is answered and starts the load");
            loadStarted.await();
            JoinGroupResponse join = (JoinGroupResponse) client.call(ApiKey.JOIN_GROUP, (short) 3, joinRequest());
            assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(), join.errorCode());
            assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(),
                    commitError(client.call(ApiKey.OFFSET_COMMIT, (short) 8, commit(5))));
            assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(), listGroups(client).errorCode());
            OffsetFetchResponse fetch = (OffsetFetchResponse) client.call(ApiKey.OFFSET_FETCH, (short) 8,
                    new OffsetFetchRequest().setGroups(List.of(new OffsetFetchRequest.OffsetFetchRequestGroup()
                            .setGroupId(GROUP).setTopics(null))));
            assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(), fetch.groups().get(0).errorCode());
            // Kafka answers heartbeats blindly while loading, so members are not sent to rejoin.
            HeartbeatResponse heartbeat = (HeartbeatResponse) client.call(ApiKey.HEARTBEAT, (short) 4,
                    new HeartbeatRequest().setGroupId(GROUP).setMemberId("m").setGenerationId(1));
            assertEquals(Errors.NONE.code(), heartbeat.errorCode());
            MetadataResponse metadata = (MetadataResponse) client.call(ApiKey.METADATA, (short) 9,
                    new MetadataRequest().setTopics(null));
            assertTrue(metadata.topics().stream().anyMatch(topic -> topic.name().equals("t")));
        } finally {
            loadMayFinish.countDown();
        }
        WireClient client = connect();
        awaitCoordinatorLoaded(client);
        JoinGroupResponse join = (JoinGroupResponse) client.call(ApiKey.JOIN_GROUP, (short) 3, joinRequest());
        assertEquals(Errors.NONE.code(), join.errorCode());
        assertEquals(Errors.NONE.code(), commitError(client.call(ApiKey.OFFSET_COMMIT, (short) 8, commit(5))),
                "a simple commit (generation -1) of another group");
    }

    private static JoinGroupRequest joinRequest() {
        return new JoinGroupRequest().setGroupId("joiner").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)
                .setMemberId("").setProtocolType("consumer").setProtocols(List.of(
                        new JoinGroupRequest.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0])));
    }

    @Test
    void aKafkaConsumerGroupWaitsOutTheLoadAndThenConsumesAndCommits() throws Exception {
        CountDownLatch loadMayFinish = new CountDownLatch(1);
        start(BrokerConfig.builder(), () -> {
            try {
                loadMayFinish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return engine.groupCoordinator();
        });
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                BrokerTestSupport.producerProps(broker.bootstrap()))) {
            producer.send(new ProducerRecord<>("t", "k", "v")).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                BrokerTestSupport.groupConsumerProps(broker.bootstrap(), "loading-group"))) {
            consumer.subscribe(List.of("t"));
            ConsumerRecords<String, String> none = consumer.poll(Duration.ofMillis(200));
            assertTrue(none.isEmpty() && consumer.assignment().isEmpty(), "assigned while the coordinator loads");
            loadMayFinish.countDown();
            List<String> values = new ArrayList<>();
            Waits.waitUntil(ANSWER, () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
                return !values.isEmpty();
            }, () -> "the record, once the coordinator is loaded");
            assertEquals(List.of("v"), values);
            consumer.commitSync();
            assertEquals(1L, consumer.committed(java.util.Set.of(new org.apache.kafka.common.TopicPartition("t", 0)))
                    .get(new org.apache.kafka.common.TopicPartition("t", 0)).offset());
        } finally {
            loadMayFinish.countDown();
        }
    }

    @Test
    void deleteTopicsWaitsForTheWritersOnTheAdminExecutorAndAFullQueueAnswersRequestTimedOut() throws Exception {
        start(BrokerConfig.builder().adminThreads(1).maxQueuedAdminRequests(1), null);
        WireClient deleter = connect();
        WireClient creator = connect();
        WireClient other = connect();
        holdWriter();
        int deleteId = deleter.send(ApiKey.DELETE_TOPICS, (short) 5, new DeleteTopicsRequest().setTopicNames(List.of("t"))
                .setTimeoutMs(30_000));
        // The admin thread is now in DeleteTopics, waiting for the (held) writer of "t".
        Waits.waitUntil(ANSWER, () -> !engine.topicExists("t"), () -> "DeleteTopics to start");
        int queuedId = creator.send(ApiKey.CREATE_TOPICS, (short) 5, createTopic("queued"));
        int refusedId = creator.send(ApiKey.CREATE_TOPICS, (short) 5, createTopic("refused"));
        Waits.waitUntil(ANSWER, () -> broker.protocolMetrics().adminRequestsRefused() == 1,
                () -> "the second CreateTopics to find the admin queue full");
        int metadataId = other.send(ApiKey.METADATA, (short) 9, new MetadataRequest().setTopics(null));
        answer(other, ApiKey.METADATA, (short) 9, metadataId, "Metadata answered while DeleteTopics waits for the writers");
        assertFalse(answered(deleter), "DeleteTopics answered before the writers were done");
        release.countDown();
        DeleteTopicsResponse deleted = (DeleteTopicsResponse) answer(deleter, ApiKey.DELETE_TOPICS, (short) 5, deleteId,
                "DeleteTopics' answer");
        assertEquals(Errors.NONE.code(), deleted.responses().get(0).errorCode());
        CreateTopicsResponse queued = (CreateTopicsResponse) answer(creator, ApiKey.CREATE_TOPICS, (short) 5, queuedId,
                "the queued CreateTopics' answer");
        assertEquals(Errors.NONE.code(), queued.topics().get(0).errorCode());
        CreateTopicsResponse refused = (CreateTopicsResponse) answer(creator, ApiKey.CREATE_TOPICS, (short) 5,
                refusedId, "the refused CreateTopics' answer");
        assertEquals(Errors.REQUEST_TIMED_OUT.code(), refused.topics().get(0).errorCode());
        assertTrue(refused.topics().get(0).errorMessage().contains("fjord.max.queued.admin.requests"),
                refused.topics().get(0).errorMessage());
        assertTrue(engine.topicExists("queued"));
        assertFalse(engine.topicExists("refused"));
    }

    @Test
    void closingTheBrokerAnswersQueuedAdminRequestsAndJoinsTheAdminThreads() throws Exception {
        start(BrokerConfig.builder().adminThreads(1).maxQueuedAdminRequests(4), null);
        WireClient deleter = connect();
        holdWriter();
        deleter.send(ApiKey.DELETE_TOPICS, (short) 5, new DeleteTopicsRequest().setTopicNames(List.of("t")));
        Waits.waitUntil(ANSWER, () -> !engine.topicExists("t"), () -> "DeleteTopics to start");
        deleter.send(ApiKey.CREATE_TOPICS, (short) 5, createTopic("never"));
        Waits.waitUntil(ANSWER, () -> adminThreads() == 1, () -> "the admin thread");
        AdminExecutor admin = broker.admin();
        Thread closer = new Thread(broker::close, "test-broker-close");
        closer.start();
        // Close answers the queued CreateTopics (into its closed connection) without running it, then
        // waits for the running DeleteTopics (never interrupted mid-way) and joins the thread.
        Waits.waitUntil(ANSWER, admin::drained, () -> "close to take the queued requests");
        release.countDown();
        closer.join();
        broker = null;
        assertEquals(0, adminThreads(), "admin threads left running after close");
        assertFalse(engine.topicExists("never"), "a request queued at close ran");
        assertFalse(engine.topicExists("t"));
    }

    @Test
    void metadataThatAutoCreatesRunsOnTheAdminExecutorAndIsAnsweredLeaderNotAvailableWhenItIsFull()
            throws Exception {
        start(BrokerConfig.builder().adminThreads(1).maxQueuedAdminRequests(0), null);
        WireClient deleter = connect();
        WireClient client = connect();
        holdWriter();
        deleter.send(ApiKey.DELETE_TOPICS, (short) 5, new DeleteTopicsRequest().setTopicNames(List.of("t")));
        Waits.waitUntil(ANSWER, () -> !engine.topicExists("t"), () -> "DeleteTopics to start");
        MetadataRequest autoCreate = new MetadataRequest().setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("auto")));
        MetadataResponse busy = (MetadataResponse) client.call(ApiKey.METADATA, (short) 9, autoCreate);
        assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), busy.topics().get(0).errorCode());
        assertFalse(engine.topicExists("auto"));
        release.countDown();
        // Once DeleteTopics is done the admin thread is free again, and the same request creates the topic.
        AtomicReference<MetadataResponse> created = new AtomicReference<>();
        Waits.waitUntil(ANSWER, () -> {
            try {
                created.set((MetadataResponse) client.call(ApiKey.METADATA, (short) 9, autoCreate));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return created.get().topics().get(0).errorCode() == Errors.NONE.code();
        }, () -> "the topic auto-created once the admin thread is free");
        assertEquals(1, created.get().topics().get(0).partitions().size());
        assertTrue(engine.topicExists("auto"));
    }

    private static long adminThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(AdminExecutor.THREAD_PREFIX) && thread.isAlive()).count();
    }

    private static CreateTopicsRequest createTopic(String name) {
        return new CreateTopicsRequest().setTimeoutMs(30_000).setTopics(List.of(new CreateTopicsRequest.CreatableTopic()
                .setName(name).setNumPartitions(1).setReplicationFactor((short) 1)));
    }
}
