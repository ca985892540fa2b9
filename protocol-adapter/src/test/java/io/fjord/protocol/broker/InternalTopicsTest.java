package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicNames;
import io.fjord.protocol.Errors;
import io.fjord.protocol.message.AlterConfigsRequest;
import io.fjord.protocol.message.AlterConfigsResponse;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka's internal topics belong to the broker: clients cannot create, delete, grow, reconfigure,
 * truncate or write them, and Metadata flags them internal (and only them).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InternalTopicsTest {
    private static final List<String> RESERVED = List.of(TopicNames.CONSUMER_OFFSETS, TopicNames.TRANSACTION_STATE,
            TopicNames.SHARE_GROUP_STATE, TopicNames.CLUSTER_METADATA);
    private static final String OFFSETS = TopicNames.CONSUMER_OFFSETS;

    @TempDir
    Path dir;

    private LogEngine engine;
    private Broker broker;
    private Admin admin;

    @BeforeEach
    void start() {
        engine = LogEngine.open(dir);
        broker = Broker.start(engine, BrokerConfig.port(0));
        admin = BrokerTestSupport.admin(broker.bootstrap());
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
        engine.close();
    }

    private static Throwable cause(Future<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void clientsCannotCreateInternalTopics() throws Exception {
        for (String name : RESERVED) {
            for (boolean validateOnly : new boolean[] {true, false}) {
                Throwable refused = cause(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)),
                        new CreateTopicsOptions().validateOnly(validateOnly)).all());
                assertInstanceOf(InvalidRequestException.class, refused, name);
                assertEquals("Creation of internal topic " + name + " is prohibited.", refused.getMessage());
            }
            assertFalse(engine.topicExists(name), name + " was created");
        }
        // Only the exact names are Kafka's: a user topic may start with "__".
        admin.createTopics(List.of(new NewTopic("__mine", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertTrue(engine.topicExists("__mine"));
    }

    @Test
    void theBrokersOwnOffsetsTopicCannotBeDeletedGrownReconfiguredTruncatedOrWritten() throws Exception {
        engine.groupCoordinator(); // the coordinator creates __consumer_offsets, as on the first group request
        int partitions = engine.partitionCount(OFFSETS);
        Map<String, String> configsBefore = engine.topicConfig(OFFSETS).overrides();

        assertInstanceOf(InvalidRequestException.class, cause(admin.deleteTopics(List.of(OFFSETS)).all()));
        assertInstanceOf(InvalidRequestException.class,
                cause(admin.createPartitions(Map.of(OFFSETS, NewPartitions.increaseTo(partitions + 1))).all()));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, OFFSETS);
        AlterConfigOp toDelete = new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET);
        assertInstanceOf(InvalidRequestException.class,
                cause(admin.incrementalAlterConfigs(Map.of(resource, List.of(toDelete))).all()));
        assertInstanceOf(InvalidTopicException.class,
                cause(admin.deleteRecords(Map.of(new TopicPartition(OFFSETS, 0), RecordsToDelete.beforeOffset(0))).all()));
        // Legacy AlterConfigs (no longer in the 4.x Admin) through the wire.
        try (WireClient client = new WireClient(broker)) {
            AlterConfigsRequest legacy = new AlterConfigsRequest();
            AlterConfigsRequest.AlterConfigsResource alter = new AlterConfigsRequest.AlterConfigsResource()
                    .setResourceType(ConfigsSupport.RESOURCE_TOPIC).setResourceName(OFFSETS);
            alter.configs().add(new AlterConfigsRequest.AlterableConfig().setName("cleanup.policy").setValue("delete"));
            legacy.resources().add(alter);
            AlterConfigsResponse answer = (AlterConfigsResponse) client.call(ApiKey.ALTER_CONFIGS, (short) 2, legacy);
            assertEquals(Errors.INVALID_REQUEST.code(), answer.responses().get(0).errorCode());
        }
        long[] endsBefore = logEnds(partitions);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(BrokerTestSupport.producerProps(broker.bootstrap()))) {
            Throwable refused = cause(producer.send(new ProducerRecord<>(OFFSETS, 0, "k", "forged commit")));
            assertInstanceOf(InvalidTopicException.class, refused);
        }

        assertTrue(engine.topicExists(OFFSETS));
        assertEquals(partitions, engine.partitionCount(OFFSETS));
        assertEquals(configsBefore, engine.topicConfig(OFFSETS).overrides());
        assertEquals("compact", engine.effectiveTopicConfig(OFFSETS).cleanupPolicy());
        assertArrayEquals(endsBefore, logEnds(partitions), "records were appended to " + OFFSETS);
    }

    private long[] logEnds(int partitions) {
        long[] ends = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            ends[p] = engine.partition(OFFSETS, p).latestOffset();
        }
        return ends;
    }

    @Test
    void metadataFlagsOnlyKafkasInternalTopicsAndNeverAutoCreatesThem() throws Exception {
        engine.createTopic("__mine", 1);
        engine.createTopic("plain", 1);
        engine.groupCoordinator();
        Map<String, TopicListing> listed = admin.listTopics(new ListTopicsOptions().listInternal(true))
                .namesToListings().get(30, TimeUnit.SECONDS);
        assertEquals(Set.of(OFFSETS, "__mine", "plain"), listed.keySet());
        assertTrue(listed.get(OFFSETS).isInternal());
        assertFalse(listed.get("__mine").isInternal());
        assertFalse(listed.get("plain").isInternal());
        assertEquals(Set.of("__mine", "plain"), admin.listTopics().names().get(30, TimeUnit.SECONDS));

        try (WireClient client = new WireClient(broker)) {
            for (String name : List.of(TopicNames.TRANSACTION_STATE, TopicNames.SHARE_GROUP_STATE,
                    TopicNames.CLUSTER_METADATA)) {
                MetadataRequest allow = new MetadataRequest().setAllowAutoTopicCreation(true)
                        .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(name)));
                MetadataResponse response = (MetadataResponse) client.call(ApiKey.METADATA, (short) 9, allow);
                assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().get(0).errorCode(), name);
                assertFalse(engine.topicExists(name), name + " was auto-created");
            }
        }
    }
}
