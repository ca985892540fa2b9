package io.fjord.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code fjord bench --scale} runs: how many partitions, in which shape, against which
 * brokers. Defaults are the size, 10,000 partitions as 100 topics of 100, both brokers.
 */
record ScaleOptions(
        int partitions,
        int partitionsPerTopic,
        int batchPartitions,
        int recordsPerPartition,
        int recordBytes,
        int metadataRequests,
        int metadataWarmUpRequests,
        String heap,
        String kafkaVersion,
        Path kafkaCache,
        Path fjordJar,
        Path fjordCdsArchive,
        Path workDir,
        Path reportFile,
        List<BrokerKind> brokers,
        List<String> extraJvmOptions,
        List<String> fjordOverrides,
        Path root,
        String commandLine) {

    static final String USAGE = """
            usage: fjord bench --scale [options]      partition scale: create, write, read, restart (bench/README.md)
              --partitions N              partitions to create, write and read (default 10000)
              --partitions-per-topic N    topic shape: N / this many topics (default 100)
              --batch-partitions N        at most this many partitions per CreateTopics request (default 1000)
              --records-per-partition N   records of 100 B written to and read back from every partition (default 3)
              --metadata-requests N       timed Metadata-for-all-topics requests for the p99 (default 200, after 20 untimed)
              --brokers LIST              fjord, kafka or fjord,kafka: run in this order (default fjord,kafka)
              --heap SIZE                 -Xmx of both brokers (default 1g)
              --jvm-opt OPTION            extra JVM option for both brokers (repeatable)
              --fjord-override KEY=VALUE  Fjord broker property, passed as --override (repeatable)
              --kafka-version V           org.apache.kafka:kafka_2.13 version (default 4.4.0)
              --kafka-cache DIR           where Kafka's jars are cached (default ~/.cache/fjord)
              --fjord-jar FILE            the Fjord broker jar (default tools/target/fjord.jar)
              --fjord-cds-archive FILE    class-data-sharing archive for Fjord (bin/fjord bench passes its own)
              --work-dir DIR              brokers' data and logs (default: a temp dir, deleted after)
              --report FILE               markdown file in which this size's block is replaced or appended
                                          (default docs/benchmarks.md; '-' prints it only)
            """;

    static ScaleOptions parse(String[] args, Path root) {
        int partitions = 10_000;
        int partitionsPerTopic = 100;
        int batchPartitions = 1_000;
        int recordsPerPartition = 3;
        int metadataRequests = 200;
        String heap = "1g";
        String kafkaVersion = "4.4.0";
        Path kafkaCache = Path.of(System.getProperty("user.home"), ".cache", "fjord");
        Path fjordJar = root.resolve("tools/target/fjord.jar");
        Path cdsArchive = null;
        Path workDir = null;
        Path report = root.resolve("docs/benchmarks.md");
        List<BrokerKind> brokers = List.of(BrokerKind.FJORD, BrokerKind.KAFKA);
        List<String> jvmOptions = new ArrayList<>();
        List<String> overrides = new ArrayList<>();
        List<String> shownArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--scale")) {
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
                case "--partitions" -> partitions = positive(option, value);
                case "--partitions-per-topic" -> partitionsPerTopic = positive(option, value);
                case "--batch-partitions" -> batchPartitions = positive(option, value);
                case "--records-per-partition" -> recordsPerPartition = positive(option, value);
                case "--metadata-requests" -> metadataRequests = positive(option, value);
                case "--brokers" -> brokers = brokers(value);
                case "--heap" -> heap = value;
                case "--jvm-opt" -> jvmOptions.add(value);
                case "--fjord-override" -> {
                    if (value.indexOf('=') <= 0) {
                        throw new IllegalArgumentException("--fjord-override takes KEY=VALUE, got '" + value + "'");
                    }
                    overrides.add(value);
                }
                case "--kafka-version" -> kafkaVersion = value;
                case "--kafka-cache" -> kafkaCache = Path.of(value);
                case "--fjord-jar" -> fjordJar = Path.of(value);
                case "--fjord-cds-archive" -> cdsArchive = Path.of(value).toAbsolutePath();
                case "--work-dir" -> workDir = Path.of(value);
                case "--report" -> report = value.equals("-") ? null : Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        return new ScaleOptions(partitions, partitionsPerTopic, batchPartitions, recordsPerPartition, 100,
                metadataRequests, Math.min(20, metadataRequests), heap, kafkaVersion, kafkaCache, fjordJar,
                cdsArchive, workDir, report, brokers, List.copyOf(jvmOptions), List.copyOf(overrides), root,
                ("bin/fjord bench --scale " + String.join(" ", shownArgs)).trim());
    }

    /** "fjord,kafka" in the given order; each at most once. */
    static List<BrokerKind> brokers(String list) {
        List<BrokerKind> brokers = new ArrayList<>();
        for (String name : list.split(",")) {
            BrokerKind kind;
            try {
                kind = BrokerKind.valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--brokers: unknown broker '" + name + "' (fjord, kafka)");
            }
            if (brokers.contains(kind)) {
                throw new IllegalArgumentException("--brokers: " + name + " given twice");
            }
            brokers.add(kind);
        }
        return List.copyOf(brokers);
    }

    /** Topics of {@code partitionsPerTopic}; the last one takes the remainder when it does not divide. */
    List<Integer> topicSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (int left = partitions; left > 0; left -= partitionsPerTopic) {
            sizes.add(Math.min(left, partitionsPerTopic));
        }
        return sizes;
    }

    /**
     * Groups of topic indexes, one CreateTopics request each, of at most {@code batchPartitions}
     * partitions (at least one topic per request, however large).
     */
    List<List<Integer>> createBatches() {
        List<Integer> sizes = topicSizes();
        List<List<Integer>> batches = new ArrayList<>();
        List<Integer> batch = new ArrayList<>();
        int inBatch = 0;
        for (int topic = 0; topic < sizes.size(); topic++) {
            if (!batch.isEmpty() && inBatch + sizes.get(topic) > batchPartitions) {
                batches.add(batch);
                batch = new ArrayList<>();
                inBatch = 0;
            }
            batch.add(topic);
            inBatch += sizes.get(topic);
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    /** Same JVM options for both brokers, as in {@link BenchOptions#brokerJvmOptions()}. */
    List<String> brokerJvmOptions() {
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + heap));
        jvmOptions.addAll(extraJvmOptions);
        return jvmOptions;
    }

    /** The report block's identity: one block per size and broker list, so runs of other sizes coexist. */
    String reportKey() {
        StringBuilder key = new StringBuilder().append(partitions).append(':');
        for (int i = 0; i < brokers.size(); i++) {
            key.append(i == 0 ? "" : ",").append(brokers.get(i).name().toLowerCase(Locale.ROOT));
        }
        return key.toString();
    }

    private static int positive(String option, String value) {
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, got '" + value + "'");
        }
        if (parsed <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + parsed);
        }
        return parsed;
    }
}
