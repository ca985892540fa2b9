package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.io.ProcessDescriptors;
import io.fjord.log.io.ResourceCache;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Topic and partition creation that would exhaust the broker's file descriptors is refused whole,
 * and a Kafka client sees why: POLICY_VIOLATION (non-retriable) with the broker's message.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DescriptorHeadroomBrokerTest {
    @TempDir
    Path dir;

    @Test
    void aClientIsRefusedWithPolicyViolationAndTheReason() throws Exception {
        long limit = ProcessDescriptors.limit();
        assumeTrue(limit > 0 && limit < Integer.MAX_VALUE / 2, "needs a known descriptor limit");
        int tooMany = (int) limit + 1;
        EngineConfig config = EngineConfig.builder(dir).maxOpenFiles(ResourceCache.UNBOUNDED)
                .maxPartitionsPerTopic(tooMany).build();
        try (LogEngine engine = LogEngine.open(config)) {
            Broker broker = Broker.start(engine, BrokerConfig.builder().listener("127.0.0.1", 0).build());
            try (Admin admin = admin(broker)) {
                ExecutionException refused = assertThrows(ExecutionException.class, () -> admin.createTopics(
                        List.of(new NewTopic("huge", tooMany, (short) 1))).all().get());
                assertInstanceOf(PolicyViolationException.class, refused.getCause());
                assertTrue(refused.getCause().getMessage().contains("ulimit -n"), refused.getCause().getMessage());
                assertFalse(admin.listTopics().names().get().contains("huge"));

                admin.createTopics(List.of(new NewTopic("small", 2, (short) 1))).all().get();
                ExecutionException grown = assertThrows(ExecutionException.class, () -> admin.createPartitions(
                        Map.of("small", NewPartitions.increaseTo(tooMany))).all().get());
                assertInstanceOf(PolicyViolationException.class, grown.getCause());
                assertEquals(2, engine.partitionCount("small"));
            } finally {
                broker.close();
            }
        }
    }

    @Test
    void theBoundIsTheBrokerKeyFjordMaxOpenFiles() {
        assertEquals(512, BrokerConfig.fromProperties(Map.of("fjord.max.open.files", "512"))
                .engineConfig().maxOpenFiles());
        assertEquals(EngineConfig.DEFAULT_MAX_OPEN_FILES, BrokerConfig.fromProperties(Map.of())
                .engineConfig().maxOpenFiles());
        assertThrows(io.fjord.log.InvalidConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of("fjord.max.open.files", "0")));
    }

    private static Admin admin(Broker broker) {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(a);
    }
}
