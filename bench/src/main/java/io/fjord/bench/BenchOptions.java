package io.fjord.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What to run and how big. {@code --smoke} shrinks every workload to a few seconds of tiny data
 * (the JUnit test uses it so the harness cannot rot); the full defaults keep a whole run near
 * 10-12 minutes on a 2-core machine.
 */
record BenchOptions(
        int rounds,
        long produceBytesPerWorkload,
        int consumePasses,
        Duration workloadTimeLimit,
        double fixedRateRecordsPerSecond,
        Duration latencyWarmup,
        Duration latencyMeasured,
        Duration idleSettle,
        String heap,
        String kafkaVersion,
        Path kafkaCache,
        Path fjordJar,
        Path workDir,
        Path reportFile,
        Path imageDir,
        Path fjordJfr,
        Path fjordCdsArchive,
        boolean smoke,
        String compression,
        List<BrokerKind> brokers,
        List<String> extraJvmOptions,
        String commandLine) {

    static final String USAGE = """
            usage: fjord bench [options]
              --smoke                  a few seconds per workload, tiny data (what the unit test runs)
              --scale                  the partition-scale benchmark instead, with its own options (below)
              --rounds N               A/B rounds, each broker started fresh per round (full: 3, smoke: 1)
              --produce-mb N           payload per produce workload in MB (full: 300, smoke: 1)
              --consume-passes N       reads of each topic from the start per consume workload (full: 4, smoke: 1)
              --rate N                 fixed e2e latency rate, records/s (full: 5000, smoke: 500)
              --latency-seconds N      measured seconds per e2e latency run (full: 10, smoke: 2)
              --heap SIZE              -Xmx of both brokers (default 1g)
              --compression CODEC      producer compression.type of the produce matrix, both brokers:
                                       none|gzip|snappy|lz4|zstd (default none; e2e latency stays none)
              --kafka-version V        org.apache.kafka:kafka_2.13 version (default 4.4.0)
              --kafka-cache DIR        where Kafka's jars are cached (default ~/.cache/fjord)
              --fjord-jar FILE         the Fjord broker jar (default tools/target/fjord.jar)
              --work-dir DIR           brokers' data and logs (default: a temp dir, deleted after)
              --report FILE            markdown report (default docs/bench-vs-kafka.md)
              --img-dir DIR            PNG charts (default docs/img)
              --jvm-opt OPTION         extra JVM option for both brokers (repeatable)
              --only fjord|kafka       run one broker only (debugging; no ratios)
              --fjord-jfr FILE         record a JFR profile of the Fjord broker (last round) to FILE
              --fjord-cds-archive FILE the class-data-sharing archive bin/fjord starts brokers with
                                       (bin/fjord bench passes its own; without it, none is used)
              -h, --help               this text
            """;

    /** {@code --help} or {@code -h} anywhere: print {@link #USAGE} and run nothing. */
    static boolean wantsHelp(String[] args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    static BenchOptions parse(String[] args, Path root) {
        boolean smoke = List.of(args).contains("--smoke");
        int rounds = smoke ? 1 : 3;
        long produceMb = smoke ? 1 : 300;
        int consumePasses = smoke ? 1 : 4;
        double rate = smoke ? 500 : 5000;
        long latencySeconds = smoke ? 2 : 10;
        String heap = "1g";
        String compression = "none";
        String kafkaVersion = "4.4.0";
        Path kafkaCache = Path.of(System.getProperty("user.home"), ".cache", "fjord");
        Path fjordJar = root.resolve("tools/target/fjord.jar");
        Path workDir = null;
        Path report = root.resolve("docs/bench-vs-kafka.md");
        Path imageDir = root.resolve("docs/img");
        Path jfr = null;
        Path cdsArchive = null;
        List<String> shownArgs = new ArrayList<>();
        List<BrokerKind> brokers = List.of(BrokerKind.values());
        List<String> extraJvmOptions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--smoke")) {
                shownArgs.add(option);
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
                case "--rounds" -> rounds = positive(option, Integer.parseInt(value));
                case "--produce-mb" -> produceMb = positive(option, Integer.parseInt(value));
                case "--consume-passes" -> consumePasses = positive(option, Integer.parseInt(value));
                case "--rate" -> rate = positive(option, Integer.parseInt(value));
                case "--latency-seconds" -> latencySeconds = positive(option, Integer.parseInt(value));
                case "--heap" -> heap = value;
                case "--compression" -> compression = codec(value);
                case "--kafka-version" -> kafkaVersion = value;
                case "--kafka-cache" -> kafkaCache = Path.of(value);
                case "--fjord-jar" -> fjordJar = Path.of(value);
                case "--work-dir" -> workDir = Path.of(value);
                case "--report" -> report = Path.of(value);
                case "--img-dir" -> imageDir = Path.of(value);
                case "--fjord-jfr" -> jfr = Path.of(value).toAbsolutePath();
                case "--fjord-cds-archive" -> cdsArchive = Path.of(value).toAbsolutePath();
                case "--jvm-opt" -> extraJvmOptions.add(value);
                case "--only" -> brokers = List.of(BrokerKind.valueOf(value.toUpperCase(java.util.Locale.ROOT)));
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        return new BenchOptions(rounds, produceMb * 1_000_000, consumePasses, Duration.ofSeconds(smoke ? 20 : 90), rate,
                Duration.ofMillis(smoke ? 500 : 2_000), Duration.ofSeconds(latencySeconds),
                Duration.ofMillis(smoke ? 500 : 3_000), heap, kafkaVersion, kafkaCache, fjordJar, workDir,
                report, imageDir, jfr, cdsArchive, smoke, compression, brokers, List.copyOf(extraJvmOptions),
                "bin/fjord bench " + String.join(" ", shownArgs));
    }

    /**
     * The unmeasured client warm-up before round 1: every workload once, small (20 MB, one consume
     * pass, a second of latency), so that the harness JVM's client code is compiled before the
     * first measured broker, whichever it is, sends its first record.
     */
    BenchOptions warmUp() {
        return new BenchOptions(1, Math.min(produceBytesPerWorkload, 20_000_000L), 1, workloadTimeLimit,
                fixedRateRecordsPerSecond, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, heap,
                kafkaVersion, kafkaCache, fjordJar, workDir, reportFile, imageDir, null, fjordCdsArchive, smoke,
                compression, brokers, extraJvmOptions, commandLine);
    }

    /** Same JVM options for both brokers, so heap sizing is not a variable. */
    List<String> brokerJvmOptions() {
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + heap));
        jvmOptions.addAll(extraJvmOptions);
        return jvmOptions;
    }

    /** The produce matrix: 100 B and 1 KiB, 1 and 8 partitions, acks=1 and acks=all. */
    List<ProduceWorkload.Spec> produceSpecs() {
        List<ProduceWorkload.Spec> specs = new ArrayList<>();
        for (int recordBytes : new int[] {100, 1024}) {
            for (int partitions : new int[] {1, 8}) {
                for (String acks : new String[] {"1", "all"}) {
                    specs.add(new ProduceWorkload.Spec(recordBytes, partitions, acks));
                }
            }
        }
        return specs;
    }

    long recordsFor(ProduceWorkload.Spec spec) {
        return produceBytesPerWorkload / spec.recordBytes();
    }

    static String sizeLabel(int recordBytes) {
        return recordBytes % 1024 == 0 ? recordBytes / 1024 + " KiB" : recordBytes + " B";
    }

    /** The producer's {@code compression.type} values; checked here so a typo fails before any broker starts. */
    static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");

    private static String codec(String value) {
        String codec = value.toLowerCase(java.util.Locale.ROOT);
        if (!CODECS.contains(codec)) {
            throw new IllegalArgumentException("--compression must be one of " + String.join("|", CODECS) + ", got " + value);
        }
        return codec;
    }

    private static int positive(String option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
        return value;
    }
}
