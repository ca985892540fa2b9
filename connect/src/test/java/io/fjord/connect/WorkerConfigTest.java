package io.fjord.connect;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad worker or connector config fails at once with a message naming the key, and leaves nothing running. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreKafkasWhereKafkaHasThem() {
        WorkerConfig config = WorkerConfig.of(Map.of(WorkerConfig.DATA_DIR, dir.toString()));
        assertEquals("connect-offsets", config.offsetStorageTopic());
        assertEquals(60_000, config.offsetFlushIntervalMs());
        assertEquals(WorkerConfig.DEFAULT_CONVERTER, config.valueConverter());
        assertEquals(WorkerConfig.Location.DATA_DIR, config.location());
    }

    @Test
    void bothLocationsAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.of(Map.of(
                WorkerConfig.DATA_DIR, dir.toString(), WorkerConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1")));
        assertMentions(e, WorkerConfig.DATA_DIR);
        assertMentions(e, WorkerConfig.BOOTSTRAP_SERVERS);
    }

    @Test
    void noLocationIsRefusedWhenNoEngineIsPassed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConnectWorker.start(WorkerConfig.of(Map.of()), List.of()));
        assertMentions(e, WorkerConfig.BOOTSTRAP_SERVERS);
    }

    @Test
    void badNumbersNameTheirKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.of(Map.of(
                WorkerConfig.DATA_DIR, dir.toString(), WorkerConfig.OFFSET_FLUSH_INTERVAL_MS, "soon")));
        assertMentions(e, WorkerConfig.OFFSET_FLUSH_INTERVAL_MS);
        e = assertThrows(ConfigException.class, () -> ConnectorConfig.of(Map.of(
                "name", "c", "connector.class", "x", "tasks.max", "0")));
        assertMentions(e, ConnectorConfig.TASKS_MAX);
    }

    @Test
    void connectorConfigsNameTheMissingOrUnsupportedKey() {
        assertMentions(assertThrows(ConfigException.class, () -> ConnectorConfig.of(Map.of("connector.class", "x"))),
                ConnectorConfig.NAME);
        assertMentions(assertThrows(ConfigException.class, () -> ConnectorConfig.of(Map.of("name", "c"))),
                ConnectorConfig.CONNECTOR_CLASS);
        assertMentions(assertThrows(ConfigException.class, () -> ConnectorConfig.of(Map.of(
                "name", "c", "connector.class", "x", "transforms", "mask"))), ConnectorConfig.TRANSFORMS);
    }

    @Test
    void unknownClassesAndMissingConnectorKeysFailTheStartAndReleaseTheEngine() {
        Map<String, String> worker = Map.of(WorkerConfig.DATA_DIR, dir.resolve("data").toString());
        ConfigException e = assertThrows(ConfigException.class, () -> ConnectWorker.start(WorkerConfig.of(worker),
                List.of(ConnectorConfig.of(Map.of("name", "c", "connector.class", "no.such.Connector")))));
        assertMentions(e, ConnectorConfig.CONNECTOR_CLASS);
        e = assertThrows(ConfigException.class, () -> ConnectWorker.start(WorkerConfig.of(Map.of(
                        WorkerConfig.DATA_DIR, dir.resolve("data").toString(),
                        WorkerConfig.VALUE_CONVERTER, "no.such.Converter")),
                List.of(ConnectorConfig.of(Map.of("name", "c", "connector.class",
                        io.fjord.connect.file.FileSinkConnector.class.getName(), "topics", "t", "file", "out")))));
        assertMentions(e, WorkerConfig.VALUE_CONVERTER);
        e = assertThrows(ConfigException.class, () -> ConnectWorker.start(WorkerConfig.of(worker),
                List.of(ConnectorConfig.of(Map.of("name", "c", "connector.class",
                        io.fjord.connect.file.FileSourceConnector.class.getName(), "topic", "t")))));
        assertMentions(e, "file");
        e = assertThrows(ConfigException.class, () -> ConnectWorker.start(WorkerConfig.of(worker),
                List.of(ConnectorConfig.of(Map.of("name", "c", "connector.class",
                        io.fjord.connect.file.FileSinkConnector.class.getName(), "file", "out")))));
        assertMentions(e, ConnectorConfig.TOPICS);
        // Each failed start closed the engine it opened: the directory is free again.
        try (ConnectWorker started = ConnectWorker.start(WorkerConfig.of(worker), List.of())) {
            assertEquals(0, started.runningTasks());
        }
    }

    @Test
    void aDataDirInUseIsAClearError() {
        Map<String, String> worker = Map.of(WorkerConfig.DATA_DIR, dir.resolve("data").toString());
        try (ConnectWorker first = ConnectWorker.start(WorkerConfig.of(worker), List.of())) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConnectWorker.start(WorkerConfig.of(worker), List.of()));
            assertMentions(e, WorkerConfig.DATA_DIR);
            assertEquals(0, first.runningTasks());
        }
    }

    private static void assertMentions(Exception e, String key) {
        assertTrue(e.getMessage().contains(key), () -> "\"" + e.getMessage() + "\" should name " + key);
    }
}
