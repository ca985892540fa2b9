package io.fjord.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code fjord bench}: Fjord and Apache Kafka side by side. Each round starts one broker, runs
 * every workload, stops it, then does the same with the other, the order swapping every round
 * (A/B, B/A, A/B, ...), so a noisy machine and whatever the first session of a round inherits
 * affect both alike; the report uses the median over rounds. An unmeasured warm-up session first
 * compiles the harness's own client code, so the first measured broker does not pay for it.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("fjord.root", ".")).toAbsolutePath().normalize();
        List<String> arguments = List.of(args);
        if (BenchOptions.wantsHelp(args)) {
            System.out.print(BenchOptions.USAGE);
            System.out.print(ScaleOptions.USAGE);
            System.out.print(FocusOptions.USAGE);
            System.exit(0);
        }
        int status;
        try {
            if (arguments.contains("--scale")) {
                ScaleBench.run(ScaleOptions.parse(args, root));
            } else if (FocusOptions.modeOf(args) != null) {
                FocusBench.run(FocusOptions.parse(args, root));
            } else {
                run(BenchOptions.parse(args, root));
            }
            status = 0;
        } catch (IllegalArgumentException e) {
            System.err.println("fjord bench: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.err.println("fjord bench failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // kafka-clients leaves no non-daemon threads, but do not rely on it
    }

    /** Runs every round and writes the report; brokers and temporary directories are always cleaned up. */
    static Results run(BenchOptions options) throws IOException, InterruptedException {
        Instant started = Instant.now();
        Path libDir = KafkaDistribution.ensure(options.kafkaCache(), options.kafkaVersion());
        BrokerLauncher kafka = new KafkaLauncher(libDir, options.brokerJvmOptions());
        BrokerLauncher fjord = new FjordLauncher(options.fjordJar(), options.fjordCdsArchive(), options.brokerJvmOptions(), null);
        BrokerLauncher fjordProfiled = options.fjordJfr() == null ? fjord
                : new FjordLauncher(options.fjordJar(), options.fjordCdsArchive(), options.brokerJvmOptions(),
                        options.fjordJfr());
        // Load the client classes now, so the first start-to-ready is not charged for them.
        new ReadyProbe("127.0.0.1:1").close();

        boolean ownWorkDir = options.workDir() == null;
        Path workDir = ownWorkDir ? Files.createTempDirectory("fjord-bench-")
                : Files.createDirectories(options.workDir());
        Results results = new Results();
        List<SendfileFloor.Result> floor;
        try {
            if (!options.smoke()) {
                System.out.println("=== client warm-up (not measured) ===");
                BrokerKind first = options.brokers().get(0);
                Path warmUpDir = sessionDir(workDir, first, "warm-up", 0);
                new BrokerRound(options.warmUp(), new Results(), first).runThroughput(
                        first == BrokerKind.KAFKA ? kafka : fjord, warmUpDir);
                deleteData(warmUpDir);
            }
            for (int round = 1; round <= options.rounds(); round++) {
                System.out.printf("=== phase 1 (throughput), round %d of %d ===%n", round, options.rounds());
                for (BrokerKind kind : orderOf(round, options.brokers())) {
                    Path sessionDir = sessionDir(workDir, kind, "throughput", round);
                    new BrokerRound(options, results, kind).runThroughput(launcher(kind, round, fjord, fjordProfiled,
                            kafka, options), sessionDir);
                    deleteData(sessionDir);
                }
            }
            double rate = halfOfLowerMaxRate(results, options);
            for (int round = 1; round <= options.rounds(); round++) {
                System.out.printf("=== phase 2 (e2e latency at %,.0f records/s), round %d of %d ===%n", rate, round,
                        options.rounds());
                for (BrokerKind kind : orderOf(round, options.brokers())) {
                    Path sessionDir = sessionDir(workDir, kind, "latency", round);
                    new BrokerRound(options, results, kind).runLatency(kind == BrokerKind.KAFKA ? kafka : fjord,
                            sessionDir, rate);
                    deleteData(sessionDir);
                }
            }
            floor = measureSendfileFloor(options, results, workDir);
        } finally {
            if (ownWorkDir) {
                deleteRecursively(workDir);
            }
        }
        new Report(options, results, floor).write(started, Instant.now());
        System.out.println("Report: " + options.reportFile().toAbsolutePath() + ", charts in "
                + options.imageDir().toAbsolutePath());
        return results;
    }

    /**
     * The kernel's own price of the consume workloads' sendfile on this machine, no broker running
     * ({@link SendfileFloor}); the paced reader holds the rate Fjord's 100 B, 8 p consume reached.
     */
    private static List<SendfileFloor.Result> measureSendfileFloor(BenchOptions options, Results results, Path workDir)
            throws InterruptedException {
        System.out.println("=== sendfile floor (no broker) ===");
        String consumeRate = Metrics.megabytes(Metrics.consumeLabel(Metrics.MAX_RATE_SPEC));
        double measured = results.has(consumeRate) && options.brokers().contains(BrokerKind.FJORD)
                ? results.row(consumeRate).median(BrokerKind.FJORD) : Double.NaN;
        double pacedMegabytesPerSecond = measured > 0 ? measured : SendfileFloor.DEFAULT_PACED_MEGABYTES_PER_SECOND;
        long fileBytes = options.smoke() ? 8_000_000L : SendfileFloor.DEFAULT_FILE_BYTES;
        int passes = options.smoke() ? 2 : SendfileFloor.DEFAULT_PASSES;
        try {
            return SendfileFloor.measure(workDir, fileBytes, passes, (long) (pacedMegabytesPerSecond * 1_000_000));
        } catch (IOException e) {
            // Context for the consume figures, not a result: the brokers' numbers are still worth a report.
            System.err.println("sendfile floor not measured: " + e);
            return List.of();
        }
    }

    /** The brokers in the order of {@code round}: as given in odd rounds, reversed in even ones. */
    static List<BrokerKind> orderOf(int round, List<BrokerKind> brokers) {
        if (round % 2 == 1) {
            return brokers;
        }
        List<BrokerKind> reversed = new ArrayList<>(brokers);
        Collections.reverse(reversed);
        return reversed;
    }

    /** The JFR profile, when asked for, covers Fjord's last throughput round only. */
    private static BrokerLauncher launcher(BrokerKind kind, int round, BrokerLauncher fjord, BrokerLauncher fjordProfiled,
                                           BrokerLauncher kafka, BenchOptions options) {
        if (kind == BrokerKind.KAFKA) {
            return kafka;
        }
        return round == options.rounds() ? fjordProfiled : fjord;
    }

    /** Half the lower of the brokers' median max produce rates (100 B, 8 p, acks=1). */
    static double halfOfLowerMaxRate(Results results, BenchOptions options) {
        Results.Row maxRate = results.row(Metrics.throughput(Metrics.MAX_RATE_SPEC.label()));
        double lower = Double.MAX_VALUE;
        for (BrokerKind kind : options.brokers()) {
            lower = Math.min(lower, maxRate.median(kind));
        }
        return lower / 2;
    }

    private static Path sessionDir(Path workDir, BrokerKind kind, String phase, int round) {
        return workDir.resolve(kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + phase + "-r" + round);
    }

    /** Frees the disk between sessions (~2.5 GB each); logs and configs stay for post-mortems. */
    private static void deleteData(Path sessionDir) throws IOException {
        deleteRecursively(sessionDir.resolve("data"));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw new UncheckedIOException(e);
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
