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
 * Runs {@code fjord bench --smoke} end to end (both brokers, every workload, report and charts)
 * so the harness cannot rot. Asserts that it works, never how fast: timing assertions on a
 * shared 2-core machine would be flaky. Downloads kafka_2.13 from Maven Central on first run.
 */
class BenchSmokeTest {
    @TempDir
    Path temp;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void smokeRunProducesAReportForBothBrokers() throws Exception {
        Path fjordJar = Path.of(System.getProperty("fjord.jar", "../tools/target/fjord.jar"));
        if (!Files.isRegularFile(fjordJar)) {
            fail("Fjord broker jar missing at " + fjordJar.toAbsolutePath()
                    + ": build the reactor first (cd .. && mvn -B -DskipTests install)");
        }
        Path report = temp.resolve("docs/bench-vs-kafka.md");
        BenchOptions options = BenchOptions.parse(new String[] {"--smoke",
                "--fjord-jar", fjordJar.toString(),
                "--work-dir", temp.resolve("work").toString(),
                "--report", report.toString(),
                "--img-dir", temp.resolve("docs/img").toString()}, temp);
        try {
            Results results = Bench.run(options);
            for (String row : List.of(Metrics.START_TO_READY, Metrics.RSS_IDLE,
                    Metrics.throughput(Metrics.MAX_RATE_SPEC.label()),
                    Metrics.percentile(Metrics.E2E_HALF_MAX, "p99"))) {
                for (BrokerKind kind : BrokerKind.values()) {
                    double value = results.row(row).median(kind);
                    assertTrue(value > 0 && Double.isFinite(value), kind.label + " " + row + " = " + value);
                }
            }
            // A smoke consume moves 1 MB: an idle-quiet broker may serve it inside one 10 ms
            // scheduler tick, so 0 CPU s/GB is a valid reading here; the row must exist and be sane.
            String consumeCpu = Metrics.cpuPerGb(Metrics.consumeLabel(Metrics.MAX_RATE_SPEC));
            for (BrokerKind kind : BrokerKind.values()) {
                double value = results.row(consumeCpu).median(kind);
                assertTrue(value >= 0 && Double.isFinite(value), kind.label + " " + consumeCpu + " = " + value);
            }
            String markdown = Files.readString(report, StandardCharsets.UTF_8);
            assertTrue(markdown.contains(Report.BEGIN) && markdown.contains("| metric | unit | Fjord | Kafka"), markdown);
            assertTrue(markdown.contains("### Sendfile floor (no broker)") && markdown.contains("| draining: "), markdown);
            for (String chart : List.of("bench-produce-throughput.png", "bench-cpu-per-gb.png",
                    "bench-e2e-latency.png", "bench-footprint.png")) {
                assertTrue(Files.size(temp.resolve("docs/img").resolve(chart)) > 1000, chart);
            }
        } finally {
            // Brokers are closed by the harness even on failure; prove it, a leak would skew every later run.
            assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                    "broker processes left behind");
        }
    }
}
