package io.fjord.connect;

import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.file.FileStreamSinkConnector;
import org.apache.kafka.connect.file.FileStreamSourceConnector;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.fjord.connect.ConnectTestSupport.append;
import static io.fjord.connect.ConnectTestSupport.lines;
import static io.fjord.connect.ConnectTestSupport.read;
import static io.fjord.testsupport.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The oracle: Kafka's own Connect runtime in standalone mode (the herder, worker and offset file
 * that {@code connect-standalone.sh} wires) runs Kafka's FileStream connectors through a Fjord
 * broker, file to topic to file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaStandaloneOnFjordTest {
    @TempDir
    Path dir;

    private ConnectTestSupport.BrokerOnEngine broker;

    @BeforeEach
    void setUp() {
        // Kafka's CLI calls Exit on a failed start; in a test that must fail the test, not end the JVM.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Connect tried to exit with " + status + ": " + message);
        });
        broker = ConnectTestSupport.BrokerOnEngine.start(dir.resolve("broker"));
    }

    @AfterEach
    void tearDown() {
        Exit.resetExitProcedure();
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kafkasStandaloneWorkerCopiesAFileThroughFjord() throws Exception {
        Path input = dir.resolve("input.txt");
        Path output = dir.resolve("output.txt");
        List<String> lines = lines("kafka-standalone", 0, 500);
        append(input, lines);

        Map<String, String> worker = Map.of(
                "bootstrap.servers", broker.bootstrap(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.storage.file.filename", dir.resolve("connect.offsets").toString(),
                "offset.flush.interval.ms", "500",
                "listeners", "http://127.0.0.1:0",
                // The connectors and converters here all ship ServiceLoader manifests: no reflective scan.
                "plugin.discovery", "service_load");
        Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(worker);
        try {
            put(connect.herder(), Map.of(
                    "name", "file-source",
                    "connector.class", FileStreamSourceConnector.class.getName(),
                    "tasks.max", "1",
                    "file", input.toString(),
                    "topic", "kafka-standalone-lines"));
            put(connect.herder(), Map.of(
                    "name", "file-sink",
                    "connector.class", FileStreamSinkConnector.class.getName(),
                    "tasks.max", "1",
                    "file", output.toString(),
                    "topics", "kafka-standalone-lines"));
            String expected = read(input);
            waitUntil(Duration.ofSeconds(60), () -> read(output).equals(expected),
                    () -> "output has " + read(output).lines().count() + " of " + lines.size() + " lines");
        } finally {
            connect.stop();
            connect.awaitStop();
        }
        assertEquals(read(input), read(output));
    }

    private static void put(StandaloneHerder herder, Map<String, String> config) throws Exception {
        FutureCallback<org.apache.kafka.connect.runtime.Herder.Created<
                org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo>> created = new FutureCallback<>();
        herder.putConnectorConfig(config.get("name"), config, false, created);
        created.get(30, TimeUnit.SECONDS);
    }
}
