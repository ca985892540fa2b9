package io.fjord.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.fjord.testsupport.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18.5: Kafka's own KRaft single-node {@code server.properties} (test data, see
 * {@code src/test/resources/kafka/README.md}) starts a working Fjord broker through the command line,
 * {@code fjord broker --config server.properties}, with only its ports and data directory changed as
 * any second server on a machine needs. Both quorum forms load: the file's static
 * {@code controller.quorum.voters} and Kafka 4.1+'s {@code controller.quorum.bootstrap.servers}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaServerPropertiesTest {
    @TempDir
    Path dir;

    @Test
    void kafkasServerPropertiesStartsAWorkingSingleNode() throws Exception {
        startAndUse(kafkaServerProperties());
    }

    @Test
    void theDynamicQuorumFormOfKafka41LoadsToo() throws Exception {
        String file = kafkaServerProperties();
        assertTrue(file.contains("controller.quorum.voters=1@localhost:"), "the data file changed?");
        startAndUse(file.replaceAll("controller\\.quorum\\.voters=1@localhost:(\\d+)",
                "controller.quorum.bootstrap.servers=localhost:$1"));
    }

    @Test
    void aFileForAClusterIsRefusedInOneLine() throws Exception {
        String cluster = kafkaServerProperties().replaceAll("controller\\.quorum\\.voters=1@localhost:(\\d+)",
                "controller.quorum.voters=1@localhost:$1,2@other:9093,3@third:9093")
                .replace("offsets.topic.replication.factor=1", "offsets.topic.replication.factor=3");
        Path config = Files.writeString(dir.resolve("cluster.properties"), cluster);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Fjord.run(new String[] {"broker", "--config", config.toString(), "--data-dir",
                dir.resolve("data").toString()}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("fjord: invalid broker config: controller.quorum.voters="), message);
        assertTrue(Files.notExists(dir.resolve("data")), "nothing created");
    }

    private static String kafkaServerProperties() throws IOException {
        try (InputStream in = KafkaServerPropertiesTest.class.getResourceAsStream("/kafka/server.properties")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void startAndUse(String kafkaFile) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Path config = Files.writeString(dir.resolve("server.properties"),
                kafkaFile.replace(":9092", ":" + port).replace(":9093", ":" + controllerPort));
        // The listener's port is fixed here, so the metrics endpoint would default to the fixed 9644: a free one.
        Map<String, String> properties = Fjord.parseBrokerArgs(new String[] {"broker", "--config", config.toString(),
                "--data-dir", dir.resolve("data").toString(), "--override", "fjord.http.listener=http://127.0.0.1:0"});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Fjord.RunningBroker running = Fjord.startBroker(properties, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            assertEquals("localhost:" + port, running.broker().bootstrap(), "advertised as the file says");
            String bootstrap = "127.0.0.1:" + port;
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin client = Admin.create(admin)) {
                Collection<Node> nodes = client.describeCluster().nodes().get();
                assertEquals(1, nodes.size());
                assertEquals(port, nodes.iterator().next().port());
                assertEquals(1, nodes.iterator().next().id(), "node.id of the file");
                client.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get();
            }
            Properties producer = new Properties();
            producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> p = new KafkaProducer<>(producer)) {
                p.send(new ProducerRecord<>("orders", "k", "v")).get();
            }
            Properties consumer = new Properties();
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
            consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer)) {
                c.subscribe(List.of("orders"));
                Waits.waitUntil(Duration.ofSeconds(60), () -> {
                    for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(100))) {
                        values.add(record.value());
                    }
                    return !values.isEmpty();
                }, () -> "the record through a consumer group");
            }
            assertEquals(List.of("v"), values);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
