package io.fjord.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FjordCliTest {
    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheConfigFile() throws Exception {
        Path config = dir.resolve("broker.properties");
        Files.writeString(config, "listeners=PLAINTEXT://127.0.0.1:9999\nnum.partitions=3\nlog.retention.hours=1\n");
        Map<String, String> properties = Fjord.parseBrokerArgs(new String[] {"broker", "--config", config.toString(),
                "--listeners", "PLAINTEXT://127.0.0.1:0", "--data-dir", dir.resolve("data").toString(),
                "--override", "num.partitions=5"});
        assertEquals("PLAINTEXT://127.0.0.1:0", properties.get("listeners"));
        assertEquals("5", properties.get("num.partitions"));
        assertEquals("1", properties.get("log.retention.hours"));
    }

    @Test
    void badArgumentsGetAUsefulMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Fjord.run(new String[0], System.out, errors));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: fjord broker"));
        assertThrows(IllegalArgumentException.class, () -> Fjord.parseBrokerArgs(new String[] {"broker", "--nope", "x"}));
        err.reset();
        assertEquals(1, Fjord.run(new String[] {"broker", "--override", "no.such.setting=1"}, System.out, errors));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no.such.setting"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void startsABrokerThatClientsUseAndAutoCreatesTopics() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> properties = Fjord.parseBrokerArgs(new String[] {"broker", "--data-dir",
                dir.resolve("data").toString(), "--listeners", "PLAINTEXT://127.0.0.1:0", "--override",
                "num.partitions=3"});
        try (Fjord.RunningBroker running = Fjord.startBroker(properties, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.startsWith("Fjord broker ready at 127.0.0.1:"), printed);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, running.broker().bootstrap());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                producer.send(new ProducerRecord<>("auto", "k", "v")).get();
            }
            Properties a = new Properties();
            a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, running.broker().bootstrap());
            try (Admin admin = Admin.create(a)) {
                assertEquals(3, admin.describeTopics(java.util.List.of("auto")).allTopicNames().get().get("auto")
                        .partitions().size());
            }
        }
        assertTrue(Files.exists(dir.resolve("data").resolve(".kafka_cleanshutdown")), "clean shutdown marker");
    }
}
