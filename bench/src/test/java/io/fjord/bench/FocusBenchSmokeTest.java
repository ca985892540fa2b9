package io.fjord.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code fjord bench --isolation} and {@code --tail} end to end for a second against Fjord only
 * (Kafka's sessions are the same code with another launcher; {@link BenchSmokeTest} starts
 * Kafka): the probes, the committer and the producer all ran, every record arrived, the block
 * is written between its markers, no broker is left behind. Never how fast.
 */
class FocusBenchSmokeTest {
    @TempDir
    Path temp;

    private String[] args(String mode, Path report, String... more) {
        Path fjordJar = Path.of(System.getProperty("fjord.jar", "../tools/target/fjord.jar"));
        if (!Files.isRegularFile(fjordJar)) {
            fail("Fjord broker jar missing at " + fjordJar.toAbsolutePath()
                    + ": build it first (cd .. && mvn -B -DskipTests -pl tools -am package)");
        }
        List<String> args = new java.util.ArrayList<>(List.of(mode, "--brokers", "fjord", "--rounds", "1",
                "--seconds", "1", "--warm-up-seconds", "0", "--fjord-jar", fjordJar.toString(),
                "--work-dir", temp.resolve("work").toString(), "--report", report.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void isolationProbesCommitsAndProducesThenReports() throws Exception {
        Path report = temp.resolve("benchmarks.md");
        Files.writeString(report, "# Results\n\nhand-written text\n", StandardCharsets.UTF_8);
        try {
            List<FocusBench.Session> sessions = FocusBench.run(FocusOptions.parse(args("--isolation", report,
                    "--probe-connections", "2", "--batch-bytes", "16384"), temp));
            assertEquals(1, sessions.size());
            FocusBench.Session session = sessions.get(0);
            assertTrue(session.latency().count() > 0, "Metadata round trips recorded");
            assertTrue(session.isolation().commits().count() > 0, "offset commits recorded");
            assertTrue(session.isolation().hotMegabytesPerSecond() > 0, "hot partition written");
            assertEquals(0, session.isolation().produceErrors());
            String markdown = Files.readString(report, StandardCharsets.UTF_8);
            assertTrue(markdown.startsWith("# Results\n\nhand-written text\n"), markdown);
            assertTrue(markdown.contains("<!-- fjord-bench:isolation:fjord:begin")
                    && markdown.contains("| Metadata p99 on other connections |"), markdown);
        } finally {
            assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                    "broker processes left behind");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void tailDeliversEveryRecordAndReports() throws Exception {
        Path report = temp.resolve("tail.md");
        try {
            List<FocusBench.Session> sessions = FocusBench.run(FocusOptions.parse(args("--tail", report,
                    "--rate", "200"), temp));
            FocusBench.Session session = sessions.get(0);
            assertEquals(0, session.tail().lost());
            assertEquals(0, session.tail().duplicates());
            assertTrue(session.latency().count() > 0, "latencies recorded");
            assertTrue(session.fetchesPerSecond() > 0, "the consumer's fetches counted");
            String markdown = Files.readString(report, StandardCharsets.UTF_8);
            assertTrue(markdown.contains("<!-- fjord-bench:tail:fjord:begin") && markdown.contains("| end-to-end p99 |"),
                    markdown);
        } finally {
            assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                    "broker processes left behind");
        }
    }
}
