package io.fjord.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code fjord bench --scale}: Fjord and Apache Kafka with many partitions on one broker, one
 * broker after the other in the same run ({@link ScaleRun} is the session each goes through).
 * Not A/B over rounds like {@link Bench}: one session at 10,000 partitions takes minutes, and
 * what it measures (whether a size is reachable, seconds to restart, RSS) moves less with a
 * noisy neighbour than throughput does. The markdown block goes to stdout and into the report.
 */
final class ScaleBench {
    private ScaleBench() {
    }

    static List<ScaleResult> run(ScaleOptions options) throws IOException, InterruptedException {
        Instant started = Instant.now();
        String loadAtStart = MachineInfo.loadAverage();
        String commit = MachineInfo.commit(options.root());
        BrokerLauncher kafka = options.brokers().contains(BrokerKind.KAFKA)
                ? new KafkaLauncher(KafkaDistribution.ensure(options.kafkaCache(), options.kafkaVersion()),
                        options.brokerJvmOptions())
                : null;
        BrokerLauncher fjord = options.brokers().contains(BrokerKind.FJORD)
                ? new FjordLauncher(options.fjordJar(), options.fjordCdsArchive(), options.brokerJvmOptions(), null,
                        options.fjordOverrides())
                : null;
        // Load the client classes now, so the first start-to-ready is not charged for them.
        new ReadyProbe("127.0.0.1:1").close();

        boolean ownWorkDir = options.workDir() == null;
        Path workDir = ownWorkDir ? Files.createTempDirectory("fjord-bench-scale-")
                : Files.createDirectories(options.workDir());
        List<ScaleResult> results = new ArrayList<>();
        try {
            for (BrokerKind kind : options.brokers()) {
                System.out.printf(Locale.ROOT, "=== %s: %,d partitions ===%n", kind.label, options.partitions());
                Path sessionDir = workDir.resolve(kind.name().toLowerCase(Locale.ROOT) + "-scale-" + options.partitions());
                ScaleRun run = new ScaleRun(options, kind == BrokerKind.KAFKA ? kafka : fjord, sessionDir);
                results.add(run.run());
                run.deleteData();
            }
        } finally {
            if (ownWorkDir) {
                Bench.deleteRecursively(workDir);
            }
        }
        ScaleReport report = new ScaleReport(options, results, commit);
        String markdown = report.markdown(started, Instant.now(), loadAtStart);
        System.out.println();
        System.out.println(markdown);
        if (options.reportFile() != null) {
            report.write(options.reportFile(), markdown);
            System.out.println("Report: " + options.reportFile().toAbsolutePath());
        }
        return results;
    }
}
