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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code fjord bench --scale} end to end on a tiny size against Fjord only (Kafka's part is the
 * same code with another launcher, and {@link BenchSmokeTest} already starts Kafka): every step
 * runs and is reported, the report block is written, no broker is left behind. Never how fast.
 */
class ScaleBenchSmokeTest {
    @TempDir
    Path temp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyStepIsMeasuredAndReported() throws Exception {
        Path fjordJar = Path.of(System.getProperty("fjord.jar", "../tools/target/fjord.jar"));
        if (!Files.isRegularFile(fjordJar)) {
            fail("Fjord broker jar missing at " + fjordJar.toAbsolutePath()
                    + ": build it first (cd .. && mvn -B -DskipTests -pl tools -am package)");
        }
        Path report = temp.resolve("benchmarks.md");
        Files.writeString(report, "# Results\n\nhand-written text\n", StandardCharsets.UTF_8);
        ScaleOptions options = ScaleOptions.parse(new String[] {"--scale", "--brokers", "fjord",
                "--partitions", "25", "--partitions-per-topic", "10", "--batch-partitions", "20",
                "--metadata-requests", "10",
                "--fjord-jar", fjordJar.toString(),
                "--work-dir", temp.resolve("work").toString(),
                "--report", report.toString()}, temp);
        try {
            List<ScaleResult> results = ScaleBench.run(options);
            assertEquals(1, results.size());
            ScaleResult fjord = results.get(0);
            for (String row : ScaleResult.ROWS) {
                assertTrue(fjord.measured(row), row + ": " + fjord.cell(row));
            }
            assertEquals(25, fjord.valueOf(ScaleResult.PARTITIONS_LED));
            // 25 partitions hold at least one file each under the data dir while the broker runs.
            assertTrue(fjord.valueOf(ScaleResult.FDS_AT_SIZE) >= 25, fjord.cell(ScaleResult.FDS_AT_SIZE));
            assertTrue(fjord.valueOf(ScaleResult.KILL_RSS) > 0, fjord.cell(ScaleResult.KILL_RSS));
            String markdown = Files.readString(report, StandardCharsets.UTF_8);
            assertTrue(markdown.startsWith("# Results\n\nhand-written text\n"), markdown);
            assertTrue(markdown.contains("<!-- fjord-bench:scale:25:fjord:begin") && markdown.contains("| measurement | Fjord |")
                    && markdown.contains("25 of 25"), markdown);
            assertFalse(markdown.contains("**failed**"), markdown);
            assertFalse(Files.exists(temp.resolve("work/fjord-scale-25/data")), "data dir removed after the session");
        } finally {
            assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                    "broker processes left behind");
        }
    }
}
