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

    /**
     * Real clients against a broker whose log-descriptor cache is far smaller than its partition
     * count: every fetch is sent with sendfile from a cached channel whose descriptor the cache
     * closes and reopens between uses; every record arrives, in order, and the data directory
     * never holds more descriptors than the bound (plus the lock file).
     */
    @Test
    void clientsProduceAndConsumeManyMorePartitionsThanOpenFiles() throws Exception {
        int maxOpenFiles = 8;
        int partitions = 60;
        int perPartition = 20;
        EngineConfig config = EngineConfig.builder(dir).maxOpenFiles(maxOpenFiles).maxMappedSegments(4).build();
        try (LogEngine engine = LogEngine.open(config)) {
            Broker broker = Broker.start(engine, BrokerConfig.builder().listener("127.0.0.1", 0).build());
            try (Admin admin = admin(broker);
                 org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                         new org.apache.kafka.clients.producer.KafkaProducer<>(
                                 BrokerTestSupport.producerProps(broker.bootstrap()));
                 org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
                         new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                                 BrokerTestSupport.consumerProps(broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("many", partitions, (short) 1))).all().get();
                for (int i = 0; i < perPartition; i++) {
                    for (int p = 0; p < partitions; p++) {
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("many", p,
                                "k" + i, p + ":" + i));
                    }
                }
                producer.flush();
                List<org.apache.kafka.common.TopicPartition> all = new java.util.ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    all.add(new org.apache.kafka.common.TopicPartition("many", p));
                }
                var records = BrokerTestSupport.readAll(consumer, all, java.time.Duration.ofSeconds(60));
                assertEquals(partitions * perPartition, records.size());
                int[] next = new int[partitions];
                for (var record : records) {
                    assertEquals(record.partition() + ":" + next[record.partition()]++, record.value());
                }
                assertTrue(engine.logFileCache().evictions() > 0, "the cache was smaller than the partitions");
                assertTrue(DescriptorCacheTestSupport.descriptorsUnder(dir) <= maxOpenFiles + 1,
                        "descriptors under the data directory");
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

    /** Open descriptors of this process pointing into a directory (Linux /proc/self/fd). */
    private static final class DescriptorCacheTestSupport {
        static int descriptorsUnder(Path directory) throws java.io.IOException {
            Path fds = Path.of("/proc/self/fd");
            if (!java.nio.file.Files.isDirectory(fds)) {
                return 0;
            }
            Path real = directory.toRealPath();
            int count = 0;
            try (java.nio.file.DirectoryStream<Path> list = java.nio.file.Files.newDirectoryStream(fds)) {
                for (Path fd : list) {
                    try {
                        if (java.nio.file.Files.readSymbolicLink(fd).startsWith(real)) {
                            count++;
                        }
                    } catch (java.io.IOException e) {
                        // closed meanwhile
                    }
                }
            }
            return count;
        }
    }

    private static Admin admin(Broker broker) {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(a);
    }
}
