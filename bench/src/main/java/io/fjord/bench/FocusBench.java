package io.fjord.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fjord bench --isolation} and {@code fjord bench --tail}: one focused latency workload,
 * Fjord and Kafka alternating over rounds in one run (A/B, B/A, ...), each session on a freshly
 * started broker; the markdown block ({@link FocusReport}) goes to stdout and into the report.
 */
final class FocusBench {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    static final String TAIL_TOPIC = "tail";
    static final int TAIL_RECORD_BYTES = 100;

    private FocusBench() {
    }

    /** One session's figures: the headline round trips and what else the mode measured. */
    record Session(int round, BrokerKind kind, RoundTrips latency, IsolationWorkload.Result isolation,
                   Latency tail, String busiestThreads) {
    }

    static List<Session> run(FocusOptions options) throws IOException, InterruptedException {
        Instant started = Instant.now();
        String loadAtStart = MachineInfo.loadAverage();
        String commit = MachineInfo.commit(options.root());
        BrokerLauncher kafka = options.brokers().contains(BrokerKind.KAFKA)
                ? new KafkaLauncher(KafkaDistribution.ensure(options.kafkaCache(), options.kafkaVersion()),
                        options.brokerJvmOptions())
                : null;
        BrokerLauncher fjord = null;
        BrokerLauncher fjordProfiled = null;
        if (options.brokers().contains(BrokerKind.FJORD)) {
            fjord = new FjordLauncher(options.fjordJar(), options.fjordCdsArchive(), options.brokerJvmOptions(), null,
                    options.fjordOverrides());
            fjordProfiled = options.fjordJfr() == null ? fjord : new FjordLauncher(options.fjordJar(),
                    options.fjordCdsArchive(), options.brokerJvmOptions(), options.fjordJfr(), options.fjordOverrides());
        }
        new ReadyProbe("127.0.0.1:1").close(); // client classes loaded before the first broker is timed

        boolean ownWorkDir = options.workDir() == null;
        Path workDir = ownWorkDir ? Files.createTempDirectory("fjord-bench-focus-")
                : Files.createDirectories(options.workDir());
        List<Session> sessions = new ArrayList<>();
        try {
            for (int round = 1; round <= options.rounds(); round++) {
                for (BrokerKind kind : Bench.orderOf(round, options.brokers())) {
                    BrokerLauncher launcher = kind == BrokerKind.KAFKA ? kafka
                            : round == options.rounds() ? fjordProfiled : fjord;
                    Path sessionDir = workDir.resolve(kind.name().toLowerCase(Locale.ROOT) + "-"
                            + options.mode().name().toLowerCase(Locale.ROOT) + "-r" + round);
                    Session session = session(options, launcher, sessionDir, round);
                    System.out.println(FocusReport.logLine(session));
                    sessions.add(session);
                    Bench.deleteRecursively(sessionDir.resolve("data"));
                }
            }
        } finally {
            if (ownWorkDir) {
                Bench.deleteRecursively(workDir);
            }
        }
        FocusReport report = new FocusReport(options, sessions, commit);
        String markdown = report.markdown(started, Instant.now(), loadAtStart);
        System.out.println();
        System.out.println(markdown);
        if (options.reportFile() != null) {
            report.write(options.reportFile(), markdown);
            System.out.println("Report: " + options.reportFile().toAbsolutePath());
        }
        return sessions;
    }

    private static Session session(FocusOptions options, BrokerLauncher launcher, Path sessionDir, int round)
            throws IOException, InterruptedException {
        try (BrokerProcess broker = launcher.start(sessionDir); ReadyProbe probe = new ReadyProbe(broker.bootstrap())) {
            probe.awaitReadyNanos(broker, READY_TIMEOUT);
            Map<String, Double> threadsBefore = ProcStats.cpuSecondsByThread(broker.pid());
            Session session;
            if (options.mode() == FocusOptions.Mode.ISOLATION) {
                IsolationWorkload.Result result = IsolationWorkload.run(options, broker.bootstrap());
                session = new Session(round, launcher.kind(), result.metadata(), result, null, null);
            } else {
                Topics.create(broker.bootstrap(), TAIL_TOPIC, 1);
                Latency latency = EndToEndLatencyWorkload.run(ClientConfigs.latencyProducer(broker.bootstrap()),
                        broker.bootstrap(), TAIL_TOPIC, TAIL_RECORD_BYTES, options.tailRecordsPerSecond(),
                        Duration.ofSeconds(options.warmUpSeconds()), Duration.ofSeconds(options.measuredSeconds()));
                RoundTrips trips = new RoundTrips(latency.p50Micros(), latency.p99Micros(), latency.p999Micros(),
                        latency.maxMicros(), latency.measured());
                session = new Session(round, launcher.kind(), trips, null, latency, null);
            }
            String busiest = BrokerRound.busiestThreads(threadsBefore, ProcStats.cpuSecondsByThread(broker.pid()));
            return new Session(session.round(), session.kind(), session.latency(), session.isolation(), session.tail(),
                    busiest);
        }
    }
}
