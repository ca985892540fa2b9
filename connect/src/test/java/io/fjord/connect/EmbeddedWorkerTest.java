package io.fjord.connect;

import io.fjord.connect.file.FileSinkConnector;
import io.fjord.connect.file.FileSourceConnector;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.testsupport.TestSeeds;
import org.apache.kafka.connect.file.FileStreamSinkConnector;
import org.apache.kafka.connect.file.FileStreamSourceConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.fjord.connect.ConnectTestSupport.append;
import static io.fjord.connect.ConnectTestSupport.lines;
import static io.fjord.connect.ConnectTestSupport.read;
import static io.fjord.testsupport.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fjord's worker copies a file, input to topic to output, with Fjord's file connectors and with
 * Kafka's FileStream connectors: on an embedded engine, and over the wire to a Fjord broker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedWorkerTest {
    @TempDir
    Path dir;

    @Test
    void fjordFileConnectorsOnAnEmbeddedEngine() throws Exception {
        try (LogEngine engine = LogEngine.open(dir.resolve("data"))) {
            copyAndCheck(worker -> ConnectWorker.start(engine, worker, connectors(fjordFiles("fjord-lines"))),
                    Map.of(), "fjord-lines");
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
                    engine.effectiveTopicConfig(WorkerConfig.DEFAULT_OFFSET_STORAGE_TOPIC).cleanupPolicy(),
                    "the offsets topic is compacted");
        }
    }

    @Test
    void kafkasFileStreamConnectorsOnAnEmbeddedEngine() throws Exception {
        try (LogEngine engine = LogEngine.open(dir.resolve("data"))) {
            copyAndCheck(worker -> ConnectWorker.start(engine, worker, connectors(kafkaFiles("kafka-lines"))),
                    Map.of(), "kafka-lines");
        }
    }

    @Test
    void fjordFileConnectorsOverTheWireToAFjordBroker() throws Exception {
        try (ConnectTestSupport.BrokerOnEngine broker = ConnectTestSupport.BrokerOnEngine.start(dir.resolve("broker"))) {
            copyAndCheck(worker -> ConnectWorker.start(worker, connectors(fjordFiles("wire-lines"))),
                    Map.of(WorkerConfig.BOOTSTRAP_SERVERS, broker.bootstrap()), "wire-lines");
        }
    }

    @Test
    void workerOpensItsOwnEngineOnTheDataDirAndReleasesIt() throws Exception {
        Path data = dir.resolve("own-data");
        copyAndCheck(worker -> ConnectWorker.start(worker, connectors(fjordFiles("own-lines"))),
                Map.of(WorkerConfig.DATA_DIR, data.toString()), "own-lines");
        // Closing the worker closed the engine it opened: the directory can be opened again.
        try (LogEngine engine = LogEngine.open(data)) {
            assertTrue(engine.topicExists("own-lines"));
        }
    }

    private interface WorkerStarter {
        ConnectWorker start(WorkerConfig config);
    }

    private void copyAndCheck(WorkerStarter starter, Map<String, String> location, String topic) throws Exception {
        long seed = TestSeeds.seed(topic);
        int lineCount = 200 + new Random(seed).nextInt(800);
        Path input = dir.resolve(topic + ".in");
        Path output = dir.resolve(topic + ".out");
        append(input, lines(topic, 0, lineCount));
        Map<String, String> worker = new HashMap<>(location);
        worker.put(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS, "200");
        worker.put("value.converter.schemas.enable", "false");
        ConnectWorker running = starter.start(WorkerConfig.of(worker));
        try {
            String expected = read(input);
            waitUntil(Duration.ofSeconds(60), () -> read(output).equals(expected) || !running.failures().isEmpty(),
                    () -> "output has " + read(output).lines().count() + " of " + lineCount + " lines");
            assertEquals(Map.of(), running.failures());
            assertEquals(2, running.runningTasks());
        } finally {
            running.close();
        }
        assertEquals(Map.of(), running.failures(), "the tasks stopped cleanly");
        assertEquals(0, running.runningTasks());
        assertEquals(read(input), read(output));
    }

    private List<ConnectorConfig> connectors(List<Map<String, String>> configs) {
        return configs.stream().map(ConnectorConfig::of).toList();
    }

    private List<Map<String, String>> fjordFiles(String topic) {
        return files(topic, FileSourceConnector.class.getName(), FileSinkConnector.class.getName());
    }

    private List<Map<String, String>> kafkaFiles(String topic) {
        return files(topic, FileStreamSourceConnector.class.getName(), FileStreamSinkConnector.class.getName());
    }

    private List<Map<String, String>> files(String topic, String source, String sink) {
        return List.of(
                Map.of("name", topic + "-source", "connector.class", source,
                        "file", dir.resolve(topic + ".in").toString(), "topic", topic),
                Map.of("name", topic + "-sink", "connector.class", sink,
                        "file", dir.resolve(topic + ".out").toString(), "topics", topic));
    }
}
