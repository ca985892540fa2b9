package io.fjord.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code fjord bench --isolation} and {@code fjord bench --tail} run: one focused latency
 * workload per broker session, Fjord and Kafka alternating over rounds (A/B, B/A, ...) in one run,
 * each broker started fresh per session. Short on purpose: on a shared 2-core machine a short A/B
 * run is fairer than a long one-after-the-other.
 */
record FocusOptions(
        Mode mode,
        int rounds,
        int warmUpSeconds,
        int measuredSeconds,
        int tailRecordsPerSecond,
        int hotProducers,
        int hotRecordBytes,
        int hotBatchBytes,
        int commitIntervalMicros,
        int probeConnections,
        int probeIntervalMicros,
        String heap,
        String kafkaVersion,
        Path kafkaCache,
        Path fjordJar,
        Path fjordCdsArchive,
        Path fjordJfr,
        Path workDir,
        Path reportFile,
        List<BrokerKind> brokers,
        List<String> extraJvmOptions,
        List<String> fjordOverrides,
        Path root,
        String commandLine) {

    /** The two focused workloads. */
    enum Mode {
        /** Metadata round trips on other connections while one partition's writer is saturated. */
        ISOLATION("--isolation"),
        /** End-to-end latency tail at a low fixed rate (an idle-most-of-the-time broker). */
        TAIL("--tail");

        final String flag;

        Mode(String flag) {
            this.flag = flag;
        }
    }

    static final String USAGE = """
            usage: fjord bench --isolation|--tail [options]   focused latency runs, Fjord and Kafka alternating (bench/README.md)
              --isolation                 Metadata round trips on their own connections while producers saturate one
                                          partition (acks=1, big batches) and a group commits offsets every millisecond
              --tail                      end-to-end latency at a low fixed rate (100 B, 1 partition, acks=1, linger 0)
              --rounds N                  A/B rounds, each broker started fresh per session (default 3)
              --seconds N                 measured seconds per session (default 10)
              --warm-up-seconds N         unmeasured seconds before them (tail 10, isolation 2)
              --rate N                    --tail: records/s (default 5000)
              --producers N               --isolation: producers on the hot partition (default 1)
              --record-bytes N            --isolation: hot records' size (default 1024)
              --batch-bytes N             --isolation: producer batch.size (default 262144)
              --commit-interval-us N      --isolation: pause between the group's offset commits (default 1000)
              --probe-connections N       --isolation: Metadata connections, one thread each (default 4)
              --probe-interval-us N       --isolation: schedule of each probe's requests (default 1000)
              --brokers LIST              fjord, kafka or fjord,kafka: order of odd rounds (default fjord,kafka)
              --heap SIZE                 -Xmx of both brokers (default 1g)
              --jvm-opt OPTION            extra JVM option for both brokers (repeatable)
              --fjord-override KEY=VALUE  Fjord broker property, passed as --override (repeatable)
              --fjord-jfr FILE            JFR profile of Fjord's broker in the last round (profile settings)
              --kafka-version V           org.apache.kafka:kafka_2.13 version (default 4.4.0)
              --kafka-cache DIR           where Kafka's jars are cached (default ~/.cache/fjord)
              --fjord-jar FILE            the Fjord broker jar (default tools/target/fjord.jar)
              --fjord-cds-archive FILE    class-data-sharing archive for Fjord (bin/fjord bench passes its own)
              --work-dir DIR              brokers' data and logs (default: a temp dir, deleted after)
              --report FILE               markdown file in which this mode's block is replaced or appended
                                          (default docs/benchmarks.md; '-' prints it only)
            """;

    /** The mode named in {@code args}, or null when neither flag is there. */
    static Mode modeOf(String[] args) {
        List<String> list = List.of(args);
        boolean isolation = list.contains(Mode.ISOLATION.flag);
        boolean tail = list.contains(Mode.TAIL.flag);
        if (isolation && tail) {
            throw new IllegalArgumentException("--isolation and --tail are two runs: give one of them");
        }
        return isolation ? Mode.ISOLATION : tail ? Mode.TAIL : null;
    }

    static FocusOptions parse(String[] args, Path root) {
        Mode mode = modeOf(args);
        if (mode == null) {
            throw new IllegalArgumentException("give --isolation or --tail\n" + USAGE);
        }
        int rounds = 3;
        // Tail: each broker is fresh, and on 2 busy cores C2 was still compiling the request path
        // (FetchHandler, Exchange.respond, ProduceHandler) 10 s after the first record (JFR).
        int warmUpSeconds = mode == Mode.TAIL ? 10 : 2;
        int measuredSeconds = 10;
        int rate = 5_000;
        int producers = 1;
        int recordBytes = 1024;
        int batchBytes = 256 * 1024;
        int commitIntervalMicros = 1_000;
        int probeConnections = 4;
        int probeIntervalMicros = 1_000;
        String heap = "1g";
        String kafkaVersion = "4.4.0";
        Path kafkaCache = Path.of(System.getProperty("user.home"), ".cache", "fjord");
        Path fjordJar = root.resolve("tools/target/fjord.jar");
        Path cdsArchive = null;
        Path jfr = null;
        Path workDir = null;
        Path report = root.resolve("docs/benchmarks.md");
        List<BrokerKind> brokers = List.of(BrokerKind.FJORD, BrokerKind.KAFKA);
        List<String> jvmOptions = new ArrayList<>();
        List<String> overrides = new ArrayList<>();
        List<String> shownArgs = new ArrayList<>(List.of(mode.flag));
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals(mode.flag)) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            if (!option.equals("--fjord-cds-archive")) { // bin/fjord adds it: not the user's words
                shownArgs.add(option);
                shownArgs.add(value);
            }
            switch (option) {
                case "--rounds" -> rounds = positive(option, value);
                case "--seconds" -> measuredSeconds = positive(option, value);
                case "--warm-up-seconds" -> warmUpSeconds = nonNegative(option, value);
                case "--rate" -> rate = positive(option, value);
                case "--producers" -> producers = positive(option, value);
                case "--record-bytes" -> recordBytes = positive(option, value);
                case "--batch-bytes" -> batchBytes = positive(option, value);
                case "--commit-interval-us" -> commitIntervalMicros = nonNegative(option, value);
                case "--probe-connections" -> probeConnections = positive(option, value);
                case "--probe-interval-us" -> probeIntervalMicros = positive(option, value);
                case "--brokers" -> brokers = ScaleOptions.brokers(value);
                case "--heap" -> heap = value;
                case "--jvm-opt" -> jvmOptions.add(value);
                case "--fjord-override" -> overrides.add(value);
                case "--fjord-jfr" -> jfr = Path.of(value).toAbsolutePath();
                case "--kafka-version" -> kafkaVersion = value;
                case "--kafka-cache" -> kafkaCache = Path.of(value);
                case "--fjord-jar" -> fjordJar = Path.of(value);
                case "--fjord-cds-archive" -> cdsArchive = Path.of(value).toAbsolutePath();
                case "--work-dir" -> workDir = Path.of(value);
                case "--report" -> report = value.equals("-") ? null : Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        return new FocusOptions(mode, rounds, warmUpSeconds, measuredSeconds, rate, producers, recordBytes, batchBytes,
                commitIntervalMicros, probeConnections, probeIntervalMicros, heap, kafkaVersion, kafkaCache, fjordJar,
                cdsArchive, jfr, workDir, report, brokers, List.copyOf(jvmOptions), List.copyOf(overrides), root,
                "bin/fjord bench " + String.join(" ", shownArgs));
    }

    /** Same JVM options for both brokers, so heap sizing is not a variable. */
    List<String> brokerJvmOptions() {
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + heap));
        jvmOptions.addAll(extraJvmOptions);
        return jvmOptions;
    }

    /** The report block's key: one block per mode and broker list, a re-run replaces its own. */
    String reportKey() {
        return mode.name().toLowerCase(Locale.ROOT) + ":"
                + String.join(",", brokers.stream().map(b -> b.name().toLowerCase(Locale.ROOT)).toList());
    }

    private static int positive(String option, String value) {
        int parsed = number(option, value);
        if (parsed <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
        return parsed;
    }

    private static int nonNegative(String option, String value) {
        int parsed = number(option, value);
        if (parsed < 0) {
            throw new IllegalArgumentException(option + " must not be negative, got " + value);
        }
        return parsed;
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got " + value);
        }
    }
}
