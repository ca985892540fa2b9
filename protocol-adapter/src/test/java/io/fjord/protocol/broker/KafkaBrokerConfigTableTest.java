package io.fjord.protocol.broker;

import io.fjord.log.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18.5: every broker config Kafka 4.4 documents is honoured, ignored with a warning where that is
 * safe on one node, or refused with a reason naming it; a name Kafka does not know is refused.
 */
class KafkaBrokerConfigTableTest {
    /**
     * Refused even at Kafka's default, rightly: the internal topics' replication factors (3) and minimum
     * ISRs (2) cannot be met by one broker (Kafka on one node cannot create those topics either; its
     * single-node server.properties sets them to 1), -1 as an id means "unset", and SASL re-authentication.
     */
    private static final List<String> ALLOWED_REFUSALS_AT_DEFAULT = List.of("broker.id", "node.id",
            "connections.max.reauth.ms", "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
            "share.coordinator.state.topic.replication.factor", "transaction.state.log.min.isr",
            "share.coordinator.state.topic.min.isr");

    private static InvalidConfigException refused(Map<String, String> properties) {
        return assertThrows(InvalidConfigException.class, () -> BrokerConfig.fromProperties(properties),
                properties.toString());
    }

    private static void assertRefused(String key, String value, String because) {
        InvalidConfigException e = refused(Map.of(key, value));
        assertTrue(e.getMessage().contains(key), "names the key: " + e.getMessage());
        assertTrue(e.getMessage().contains(because), "says why (" + because + "): " + e.getMessage());
    }

    @Test
    void theTableHoldsKafkasDocumentedBrokerConfigs() {
        assertEquals(350, KafkaBrokerConfigTable.kafkaKeys().size(), "Kafka 4.4.0's documented broker configs");
        for (String key : List.of("num.io.threads", "default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor", "ssl.keystore.location", "controller.quorum.voters",
                "process.roles", "listeners", "log.dirs")) {
            assertTrue(KafkaBrokerConfigTable.isKafkaKey(key), key);
        }
    }

    @Test
    void everyKafkaKeyAtItsDefaultLoadsOrIsRefusedByName() {
        List<String> refusedKeys = new ArrayList<>();
        for (String key : KafkaBrokerConfigTable.kafkaKeys()) {
            String kafkaDefault = KafkaBrokerConfigTable.kafkaDefault(key);
            if (kafkaDefault == null) {
                continue;
            }
            try {
                BrokerConfig.fromProperties(Map.of(key, kafkaDefault));
            } catch (InvalidConfigException e) {
                assertTrue(e.getMessage().contains(key), "a refusal names the key: " + e.getMessage());
                refusedKeys.add(key);
            }
        }
        // At their defaults, only security settings are refused (Fjord serves PLAINTEXT only), and the
        // few of Kafka's defaults that are "unset" markers Fjord's own bounds do not take.
        List<String> unexpected = refusedKeys.stream().filter(key -> !key.startsWith("ssl.") && !key.startsWith("sasl.")
                && !ALLOWED_REFUSALS_AT_DEFAULT.contains(key)).toList();
        assertEquals(List.of(), unexpected, "refused at Kafka's default");
    }

    @Test
    void safeToIgnoreKeysGetOneWarningNamingThem() {
        String warning = KafkaBrokerConfigTable.check("num.io.threads", "8");
        assertTrue(warning.startsWith("Ignoring broker config num.io.threads=8"), warning);
        assertTrue(warning.contains("thread count"), warning);
        assertTrue(KafkaBrokerConfigTable.check("num.recovery.threads.per.data.dir", "1").contains("ignor"));
        assertTrue(KafkaBrokerConfigTable.check("log.retention.check.interval.ms", "300000").contains("ignor"));
        BrokerConfig.fromProperties(Map.of("num.io.threads", "8", "unclean.leader.election.enable", "true"));
    }

    @Test
    void whatOneNodeAlreadyDoesIsHonouredSilently() {
        for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor", "share.coordinator.state.topic.replication.factor",
                "min.insync.replicas", "transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr")) {
            assertNull(KafkaBrokerConfigTable.check(key, "1"), key);
        }
        assertNull(KafkaBrokerConfigTable.check("delete.topic.enable", "true"));
        assertNull(KafkaBrokerConfigTable.check("authorizer.class.name", ""));
    }

    @Test
    void ignoringWhatWouldWeakenSafetyIsRefusedWithTheReason() {
        assertRefused("default.replication.factor", "3", "replication factor above 1 cannot be met");
        assertRefused("offsets.topic.replication.factor", "3", "replication factor above 1");
        assertRefused("transaction.state.log.replication.factor", "2", "replication factor above 1");
        assertRefused("min.insync.replicas", "2", "one replica");
        assertRefused("ssl.keystore.location", "/etc/kafka/keystore.jks", "PLAINTEXT only");
        assertRefused("sasl.enabled.mechanisms", "SCRAM-SHA-512", "PLAINTEXT only");
        assertRefused("security.inter.broker.protocol", "SSL", "PLAINTEXT only");
        assertRefused("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "does not implement it");
        assertRefused("create.topic.policy.class.name", "com.example.Policy", "does not implement it");
        assertRefused("delete.topic.enable", "false", "cannot forbid topic deletion");
        assertRefused("remote.log.storage.system.enable", "true", "no tiered storage");
        assertRefused("max.connections.per.ip", "100", "does not enforce this limit");
        assertRefused("queued.max.requests", "16", "does not enforce this limit");
    }

    @Test
    void namesKafkaDoesNotKnowAreRefused() {
        InvalidConfigException e = refused(Map.of("num.io.thread", "8"));
        assertTrue(e.getMessage().startsWith("Unknown broker config 'num.io.thread': neither Fjord's nor one of Kafka "
                + "4.4's broker configs; closest known: num.io.threads, "), e.getMessage());
    }

    @Test
    void aCombinedSingleNodeLoadsAndItsControllerListenerIsNotOpened() {
        Map<String, String> kraft = new LinkedHashMap<>();
        kraft.put("process.roles", "broker,controller");
        kraft.put("node.id", "1");
        kraft.put("controller.quorum.voters", "1@localhost:9093");
        kraft.put("listeners", "PLAINTEXT://:19092,CONTROLLER://:19093");
        kraft.put("inter.broker.listener.name", "PLAINTEXT");
        kraft.put("advertised.listeners", "PLAINTEXT://localhost:19092,CONTROLLER://localhost:19093");
        kraft.put("controller.listener.names", "CONTROLLER");
        kraft.put("listener.security.protocol.map",
                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
        BrokerConfig config = BrokerConfig.fromProperties(kraft);
        assertEquals(19092, config.port());
        assertEquals("localhost", config.advertisedHost());
        assertEquals(19092, config.advertisedPort());
        assertEquals(1, config.nodeId());

        kraft.remove("controller.quorum.voters");
        kraft.put("controller.quorum.bootstrap.servers", "localhost:19093");
        assertEquals(19092, BrokerConfig.fromProperties(kraft).port(), "Kafka 4.1+'s dynamic quorum form");

        Map<String, String> named = new LinkedHashMap<>(Map.of("listeners", "CLIENTS://127.0.0.1:19094",
                "listener.security.protocol.map", "CLIENTS:PLAINTEXT"));
        assertEquals(19094, BrokerConfig.fromProperties(named).port(), "a listener of another name, mapped to PLAINTEXT");
    }

    @Test
    void aClusterIsRefusedClearly() {
        InvalidConfigException voters = refused(Map.of("node.id", "1",
                "controller.quorum.voters", "1@a:9093,2@b:9093,3@c:9093"));
        assertTrue(voters.getMessage().contains("names other nodes than this one (node.id=1)"), voters.getMessage());
        InvalidConfigException otherNode = refused(Map.of("node.id", "1", "controller.quorum.voters", "2@b:9093"));
        assertTrue(otherNode.getMessage().contains("controller.quorum.voters"), otherNode.getMessage());
        InvalidConfigException bootstrap = refused(Map.of("controller.quorum.bootstrap.servers", "a:9093,b:9093,c:9093"));
        assertTrue(bootstrap.getMessage().contains("names 3 controllers"), bootstrap.getMessage());
        InvalidConfigException brokerOnly = refused(Map.of("process.roles", "broker"));
        assertTrue(brokerOnly.getMessage().contains("broker-only node joins a controller quorum"), brokerOnly.getMessage());
        InvalidConfigException controllerOnly = refused(Map.of("process.roles", "controller"));
        assertTrue(controllerOnly.getMessage().contains("controller-only"), controllerOnly.getMessage());
    }

    @Test
    void secureListenersAreRefused() {
        InvalidConfigException sasl = refused(Map.of("listeners", "SASL_SSL://:9094"));
        assertTrue(sasl.getMessage().contains("SASL_SSL is SASL_SSL") || sasl.getMessage().contains("is SASL_SSL"),
                sasl.getMessage());
        InvalidConfigException mapped = refused(Map.of("listeners", "EXTERNAL://:9094",
                "listener.security.protocol.map", "EXTERNAL:SSL"));
        assertTrue(mapped.getMessage().contains("EXTERNAL is SSL; Fjord serves PLAINTEXT only"), mapped.getMessage());
        InvalidConfigException two = refused(Map.of("listeners", "PLAINTEXT://:9092,OTHER://:9095",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT"));
        assertTrue(two.getMessage().contains("exactly one client listener"), two.getMessage());
    }
}
