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
                   Latency tail, String busiestThreads, GcLog.Summary gcPauses, double wakeUpsPerSecond,
                   String busiestWakers, double fetchesPerSecond) {
    }

    static List<Session> run(FocusOptions options) throws IOException, InterruptedException {
        Instant started = Instant.now();
        String loadAtStart = MachineInfo.loadAverage();
        String commit = MachineInfo.commit(options.root());
        boolean ownWorkDir = options.workDir() == null;
        Path workDir = ownWorkDir ? Files.createTempDirectory("fjord-bench-focus-")
                : Files.createDirectories(options.workDir());
        // Both brokers log their GC pauses, so a tail can be set against the pauses of the same seconds.
        List<String> jvmOptions = new ArrayList<>(options.brokerJvmOptions());
        jvmOptions.add(GcLog.option(workDir));
        BrokerLauncher kafka = options.brokers().contains(BrokerKind.KAFKA)
                ? new KafkaLauncher(KafkaDistribution.ensure(options.kafkaCache(), options.kafkaVersion()),
                        jvmOptions)
                : null;
        BrokerLauncher fjord = null;
        BrokerLauncher fjordProfiled = null;
        if (options.brokers().contains(BrokerKind.FJORD)) {
            fjord = new FjordLauncher(options.fjordJar(), options.fjordCdsArchive(), jvmOptions, null,
                    options.fjordOverrides());
            fjordProfiled = options.fjordJfr() == null ? fjord : new FjordLauncher(options.fjordJar(),
                    options.fjordCdsArchive(), jvmOptions, options.fjordJfr(), options.fjordOverrides());
        }
        new ReadyProbe("127.0.0.1:1").close(); // client classes loaded before the first broker is timed
        List<Session> sessions = new ArrayList<>();
        try {
            for (int round = 1; round <= options.rounds(); round++) {
                for (BrokerKind kind : Bench.orderOf(round, options.brokers())) {
                    BrokerLauncher launcher = kind == BrokerKind.KAFKA ? kafka
                            : round == options.rounds() ? fjordProfiled : fjord;
                    Path sessionDir = workDir.resolve(kind.name().toLowerCase(Locale.ROOT) + "-"
                            + options.mode().name().toLowerCase(Locale.ROOT) + "-r" + round);
                    Session session = session(options, launcher, sessionDir, round, workDir);
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

    private static Session session(FocusOptions options, BrokerLauncher launcher, Path sessionDir, int round,
                                   Path gcLogDir) throws IOException, InterruptedException {
        try (BrokerProcess broker = launcher.start(sessionDir); ReadyProbe probe = new ReadyProbe(broker.bootstrap())) {
            probe.awaitReadyNanos(broker, READY_TIMEOUT);
            Map<String, Double> threadsBefore = ProcStats.cpuSecondsByThread(broker.pid());
            Map<String, Long> switchesBefore = ProcStats.voluntarySwitchesByThread(broker.pid());
            long workloadStarted = System.nanoTime();
            Session session;
            if (options.mode() == FocusOptions.Mode.ISOLATION) {
                IsolationWorkload.Result result = IsolationWorkload.run(options, broker.bootstrap());
                session = new Session(round, launcher.kind(), result.metadata(), result, null, null, null, 0, null, Double.NaN);
            } else {
                Topics.create(broker.bootstrap(), TAIL_TOPIC, 1);
                Latency latency = EndToEndLatencyWorkload.run(ClientConfigs.latencyProducer(broker.bootstrap()),
                        broker.bootstrap(), TAIL_TOPIC, TAIL_RECORD_BYTES, options.tailRecordsPerSecond(),
                        Duration.ofSeconds(options.warmUpSeconds()), Duration.ofSeconds(options.measuredSeconds()));
                RoundTrips trips = new RoundTrips(latency.p50Micros(), latency.p99Micros(), latency.p999Micros(),
                        latency.maxMicros(), latency.measured());
                session = new Session(round, launcher.kind(), trips, null, latency, null, null, 0, null, Double.NaN);
            }
            long workloadEnded = System.nanoTime();
            String busiest = BrokerRound.busiestThreads(threadsBefore, ProcStats.cpuSecondsByThread(broker.pid()));
            Map<String, Long> switchesAfter = ProcStats.voluntarySwitchesByThread(broker.pid());
            long switches = 0;
            for (Map.Entry<String, Long> thread : switchesAfter.entrySet()) {
                switches += thread.getValue() - switchesBefore.getOrDefault(thread.getKey(), 0L);
            }
            double seconds = (workloadEnded - workloadStarted) / 1e9;
            // Broker uptime of the measured window (the JVM starts a little after the fork: close enough).
            double from = (workloadStarted - broker.startedNanos()) / 1e9 + options.warmUpSeconds();
            double to = (workloadEnded - broker.startedNanos()) / 1e9;
            GcLog.Summary gc = GcLog.summarize(GcLog.read(gcLogDir, broker.pid()), from, to);
            return new Session(session.round(), session.kind(), session.latency(), session.isolation(), session.tail(),
                    busiest, gc, switches / seconds, busiestWakers(switchesBefore, switchesAfter, seconds),
                    session.tail() == null || session.tail().fetches() < 0 ? Double.NaN
                            : session.tail().fetches() / seconds);
        }
    }

    /** The broker threads that went to sleep most often, e.g. "fjord-writer-0 4,980/s, fjord-net-1234 9,100/s". */
    static String busiestWakers(Map<String, Long> before, Map<String, Long> after, double seconds) {
        List<Map.Entry<String, Long>> counts = new ArrayList<>();
        for (Map.Entry<String, Long> thread : after.entrySet()) {
            long delta = thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            if (delta > 0) {
                counts.add(Map.entry(thread.getKey(), delta));
            }
        }
        counts.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(4, counts.size()); i++) {
            out.append(i == 0 ? "" : ", ").append(counts.get(i).getKey())
                    .append(String.format(Locale.ROOT, " %,.0f/s", counts.get(i).getValue() / seconds));
        }
        return out.length() == 0 ? "none" : out.toString();
    }
}
