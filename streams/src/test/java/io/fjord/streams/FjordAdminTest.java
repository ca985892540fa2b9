package io.fjord.streams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FjordAdminTest {
    @TempDir
    Path dir;
    LogEngine engine;
    Admin admin;

    @BeforeEach
    void open() {
        engine = LogEngine.open(dir);
        admin = new FjordAdmin(engine);
    }

    @AfterEach
    void close() {
        admin.close();
        engine.close();
    }

    private static Throwable cause(org.apache.kafka.common.KafkaFuture<?> future) {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    @Test
    void createsDescribesAndDeletesTopics() throws Exception {
        NewTopic changelog = new NewTopic("app-store-changelog", 3, (short) 1)
                .configs(Map.of("cleanup.policy", "compact", "message.timestamp.type", "CreateTime"));
        var created = admin.createTopics(List.of(changelog)).values().get("app-store-changelog");
        created.get();
        assertEquals(3, engine.partitionCount("app-store-changelog"));
        assertTrue(engine.effectiveTopicConfig("app-store-changelog").compact());
        assertEquals(3, admin.createTopics(List.of(new NewTopic("t", 3, (short) 1))).numPartitions("t").get());

        assertInstanceOf(TopicExistsException.class, cause(admin.createTopics(List.of(changelog)).all()));
        assertInstanceOf(InvalidConfigurationException.class, cause(admin.createTopics(List.of(
                new NewTopic("x", 1, (short) 1).configs(Map.of("no.such.config", "1")))).all()));
        assertInstanceOf(InvalidConfigurationException.class, cause(admin.createTopics(List.of(
                new NewTopic("x", 1, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")))).all()));
        assertFalse(engine.topicExists("x"));

        TopicDescription description = admin.describeTopics(List.of("app-store-changelog")).allTopicNames().get()
                .get("app-store-changelog");
        assertEquals(3, description.partitions().size());
        assertInstanceOf(UnknownTopicOrPartitionException.class,
                cause(admin.describeTopics(List.of("missing")).allTopicNames()));

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "app-store-changelog");
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertEquals("compact", config.get("cleanup.policy").value());

        admin.deleteTopics(List.of("t")).all().get();
        assertFalse(engine.topicExists("t"));
    }

    @Test
    void listsOffsetsAndDeletesRecords() throws Exception {
        engine.createTopic("r", 1);
        Partition partition = engine.partition("r", 0);
        for (int i = 0; i < 5; i++) {
            partition.append(null, ("v" + i).getBytes(StandardCharsets.UTF_8), 1000L + i);
        }
        TopicPartition tp = new TopicPartition("r", 0);
        assertEquals(5, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
        assertEquals(0, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset());
        assertEquals(3, admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(1003L))).partitionResult(tp).get().offset());

        assertEquals(3, admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).lowWatermarks().get(tp)
                .get().lowWatermark());
        assertEquals(3, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset());
    }

    @Test
    void refusesWhatItDoesNotImplement() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> admin.listGroups());
        assertTrue(e.getMessage().contains("listGroups"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> admin.describeCluster());
        assertThrows(UnsupportedOperationException.class, () -> admin.listTopics());
        assertEquals(Set.of(), admin.metrics().keySet());
    }
}
