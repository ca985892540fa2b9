package io.fjord.connect;

import io.fjord.connect.file.FileSinkConnector;
import io.fjord.connect.file.FileSourceConnector;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * A worker stopped while copying, then started again after more lines were appended, writes every
 * line exactly once: the source resumes from its offset in the compacted offsets topic, the sink
 * from the offsets committed through group {@code connect-<name>}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerRestartTest {
    @TempDir
    Path dir;

    @Test
    void resumesWithoutDuplicatesOnAnEngineTheWorkerOpens() throws Exception {
        stopMidwayAppendRestart(Map.of(WorkerConfig.DATA_DIR, dir.resolve("data").toString()), "restart-embedded");
    }

    @Test
    void resumesWithoutDuplicatesOverTheWire() throws Exception {
        try (ConnectTestSupport.BrokerOnEngine broker = ConnectTestSupport.BrokerOnEngine.start(dir.resolve("broker"))) {
            stopMidwayAppendRestart(Map.of(WorkerConfig.BOOTSTRAP_SERVERS, broker.bootstrap()), "restart-wire");
        }
    }

    private void stopMidwayAppendRestart(Map<String, String> location, String topic) throws Exception {
        Random random = new Random(TestSeeds.seed(topic));
        int firstCount = 3_000 + random.nextInt(2_000);
        int secondCount = 500 + random.nextInt(1_000);
        Path input = dir.resolve(topic + ".in");
        Path output = dir.resolve(topic + ".out");
        append(input, lines(topic, 0, firstCount));
        Map<String, String> worker = new HashMap<>(location);
        worker.put(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS, "100");
        List<ConnectorConfig> connectors = List.of(
                ConnectorConfig.of(Map.of("name", topic + "-source", "connector.class",
                        FileSourceConnector.class.getName(), "file", input.toString(), "topic", topic,
                        // Small polls, so the stop below usually lands while the source is mid-file.
                        FileSourceConnector.BATCH_LINES, "20")),
                ConnectorConfig.of(Map.of("name", topic + "-sink", "connector.class",
                        FileSinkConnector.class.getName(), "file", output.toString(), "topics", topic)));

        ConnectWorker first = ConnectWorker.start(WorkerConfig.of(worker), connectors);
        try {
            waitUntil(Duration.ofSeconds(60), () -> !read(output).isEmpty() || !first.failures().isEmpty(),
                    () -> "no line reached the output");
        } finally {
            first.close();
        }
        assertEquals(Map.of(), first.failures());
        List<String> afterFirst = read(output).lines().toList();
        System.out.println(topic + ": first run wrote " + afterFirst.size() + " of " + firstCount + " lines");
        assertEquals(lines(topic, 0, afterFirst.size()), afterFirst, "the first run wrote a prefix, each line once");

        append(input, lines(topic, firstCount, secondCount));
        ConnectWorker second = ConnectWorker.start(WorkerConfig.of(worker), connectors);
        try {
            String expected = read(input);
            waitUntil(Duration.ofSeconds(60), () -> read(output).length() >= expected.length()
                            || !second.failures().isEmpty(),
                    () -> "output has " + read(output).lines().count() + " of " + (firstCount + secondCount) + " lines");
        } finally {
            second.close();
        }
        assertEquals(Map.of(), second.failures());
        List<String> all = new ArrayList<>(lines(topic, 0, firstCount));
        all.addAll(lines(topic, firstCount, secondCount));
        List<String> written = read(output).lines().toList();
        assertEquals(all.size(), written.size(), "every line exactly once");
        assertEquals(all, written);
        assertTrue(afterFirst.size() > 0);
    }
}
