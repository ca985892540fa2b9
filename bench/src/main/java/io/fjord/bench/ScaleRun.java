package io.fjord.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One broker through the scale session, on one data directory: start empty, create the
 * partitions in CreateTopics batches, write a few records to every partition and read them all
 * back, measure memory, descriptors and Metadata latency at that size, then kill -9 and restart,
 * read everything again, stop cleanly and restart. Whatever fails is recorded in its own row
 * with the reason; the session goes on while the broker runs, and stops when it does not.
 */
final class ScaleRun {
    static final String TOPIC_PREFIX = "scale-";

    /** One listTopics may take a while at 10,000+ partitions; the client reconnects inside it. */
    private static final Duration PROBE_ATTEMPT = Duration.ofSeconds(5);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /**
     * Kafka took 2.5-5 min after kill -9 at 10,000 partitions on a loaded 2-core machine: a size
     * a broker cannot reach must be the broker's limit, not the harness's.
     */
    private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CREATE_BATCH_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration LED_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration IO_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long LED_POLL_MS = 100;
    /**
     * One small batch per partition: the producer holds one batch.size buffer per partition with
     * records pending, and 10,000 x 64 KiB would exceed buffer.memory and block send().
     */
    private static final int WRITE_BATCH_BYTES = 1024;

    private final ScaleOptions options;
    private final BrokerLauncher launcher;
    private final Path sessionDir;
    private final ScaleResult result;
    private BrokerProcess broker;
    private Path dataDir;

    ScaleRun(ScaleOptions options, BrokerLauncher launcher, Path sessionDir) {
        this.options = options;
        this.launcher = launcher;
        this.sessionDir = sessionDir;
        this.result = new ScaleResult(launcher.kind());
    }

    static String topicName(int index) {
        return String.format(Locale.ROOT, "%s%05d", TOPIC_PREFIX, index);
    }

    /** Runs the session; the broker is always stopped before this returns. */
    ScaleResult run() throws InterruptedException {
        String step = ScaleResult.FRESH_START;
        try {
            broker = launcher.start(sessionDir);
            dataDir = sessionDir.resolve("data").toRealPath();
            try (ReadyProbe probe = new ReadyProbe(broker.bootstrap(), PROBE_ATTEMPT)) {
                result.seconds(step, probe.awaitReadyNanos(broker, START_TIMEOUT));
            }
            long limit = ProcStats.maxOpenFiles(broker.pid());
            result.count(ScaleResult.OPEN_FILE_LIMIT, limit, limit < 0 ? "unlimited" : format("%,d", limit));
            log("ready on an empty data dir in %s at %s (pid %d), open-file limit %s", result.cell(step),
                    broker.bootstrap(), broker.pid(), result.cell(ScaleResult.OPEN_FILE_LIMIT));

            step = ScaleResult.CREATE;
            List<TopicPartition> partitions = create();
            step = ScaleResult.WRITE;
            unlessFailed(step, () -> write(partitions));
            step = ScaleResult.READ;
            unlessFailed(step, () -> readBack(ScaleResult.READ, partitions));
            step = ScaleResult.RSS_AT_SIZE;
            footprint(ScaleResult.RSS_AT_SIZE, ScaleResult.FDS_AT_SIZE);
            step = ScaleResult.METADATA;
            unlessFailed(step, () -> metadata(partitions.size()));

            step = ScaleResult.KILL_FIRST;
            broker.kill();
            log("killed with SIGKILL; restarting on the same data");
            restart("after-kill", partitions.size(), ScaleResult.KILL_FIRST, ScaleResult.KILL_LED,
                    ScaleResult.KILL_RSS, ScaleResult.KILL_FDS);
            step = ScaleResult.KILL_READ;
            unlessFailed(step, () -> readBack(ScaleResult.KILL_READ, partitions));

            step = ScaleResult.STOP;
            long stopNanos = broker.stop(STOP_TIMEOUT);
            if (stopNanos < 0) {
                result.failed(step, "no exit within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM (then killed)");
            } else {
                result.seconds(step, stopNanos);
            }
            log("clean stop: %s; restarting", result.cell(step));
            step = ScaleResult.STOP_FIRST;
            restart("after-stop", partitions.size(), ScaleResult.STOP_FIRST, ScaleResult.STOP_LED,
                    ScaleResult.STOP_RSS, null);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            String reason = reason(e);
            result.failed(step, reason);
            log("FAILED at '%s': %s", step, reason);
            e.printStackTrace(System.out);
            if (broker != null) {
                System.out.println("[" + result.kind.label + "] broker log tail:\n" + broker.logTail());
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        return result;
    }

    /** A step whose failure leaves the broker running: recorded, and the session goes on. */
    private void unlessFailed(String row, Step step) throws Exception {
        try {
            step.run();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (!broker.isAlive()) {
                throw e;
            }
            result.failed(row, reason(e));
            log("FAILED at '%s': %s", row, reason(e));
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * CreateTopics in batches; stops at the first refused topic (what a user's script would do).
     *
     * @return the partitions Metadata lists with a leader afterwards (what the rest is run on)
     */
    private List<TopicPartition> create() throws InterruptedException {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CREATE_BATCH_TIMEOUT.toMillis());
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CREATE_BATCH_TIMEOUT.toMillis());
        List<Integer> sizes = options.topicSizes();
        long start = System.nanoTime();
        int answered = 0;
        String failure = null;
        try (Admin admin = Admin.create(adminProps);
             KafkaConsumer<byte[], byte[]> metadata = new KafkaConsumer<>(ClientConfigs.consumer(broker.bootstrap()))) {
            for (List<Integer> batch : options.createBatches()) {
                List<NewTopic> topics = new ArrayList<>(batch.size());
                for (int topic : batch) {
                    topics.add(new NewTopic(topicName(topic), sizes.get(topic), (short) 1));
                }
                Map<String, KafkaFuture<Void>> answers = admin.createTopics(topics).values();
                for (NewTopic topic : topics) {
                    try {
                        answers.get(topic.name()).get(CREATE_BATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        answered += topic.numPartitions();
                    } catch (ExecutionException e) {
                        failure = failure != null ? failure : topic.name() + ": " + reason(e.getCause());
                    } catch (TimeoutException e) {
                        failure = failure != null ? failure
                                : topic.name() + ": no answer within " + CREATE_BATCH_TIMEOUT.toSeconds() + " s";
                    }
                }
                log("created %,d of %,d partitions in %.1f s", answered, options.partitions(),
                        (System.nanoTime() - start) / 1e9);
                if (failure != null) {
                    break;
                }
            }
            long answeredNanos = System.nanoTime() - start;
            if (failure == null) {
                result.seconds(ScaleResult.CREATE, answeredNanos,
                        format("(%,d topics x %,d, %,d per request)", sizes.size(), options.partitionsPerTopic(),
                                options.batchPartitions()));
            } else {
                result.failed(ScaleResult.CREATE, format("refused after %,d of %,d partitions (%.1f s): %s",
                        answered, options.partitions(), answeredNanos / 1e9, failure));
                log("CreateTopics FAILED: %s", failure);
            }
            List<TopicPartition> led = awaitLed(metadata, answered);
            result.count(ScaleResult.PARTITIONS_LED, led.size(), format("%,d of %,d", led.size(), options.partitions()));
            if (failure == null && led.size() >= answered) {
                result.seconds(ScaleResult.CREATE_TO_LED, System.nanoTime() - start);
            } else if (led.size() < answered) {
                result.failed(ScaleResult.CREATE_TO_LED, format("%,d of the %,d created partitions listed with a "
                        + "leader after %d s", led.size(), answered, LED_TIMEOUT.toSeconds()));
            } else {
                result.text(ScaleResult.CREATE_TO_LED, "n/a (creation failed)");
            }
            log("%,d partitions listed with a leader", led.size());
            if (led.isEmpty()) {
                throw new IllegalStateException("no partition could be created");
            }
            return led;
        }
    }

    /** Polls Metadata until {@code expected} partitions of ours have a leader or the time is up. */
    private List<TopicPartition> awaitLed(KafkaConsumer<byte[], byte[]> metadata, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + LED_TIMEOUT.toNanos();
        List<TopicPartition> led = List.of();
        while (true) {
            if (!broker.isAlive()) {
                throw new IllegalStateException(result.kind.label + " broker exited (code " + broker.exitValue() + ")");
            }
            try {
                led = Topics.ledPartitions(metadata.listTopics(METADATA_TIMEOUT), TOPIC_PREFIX);
            } catch (org.apache.kafka.common.errors.TimeoutException notAnswered) {
                // keep the last answer; ask again until the deadline
            }
            if (led.size() >= expected || System.nanoTime() > deadline) {
                return led;
            }
            Thread.sleep(LED_POLL_MS);
        }
    }

    /** {@code recordsPerPartition} records to every partition, acks=1 (no idempotence: see Topics). */
    private void write(List<TopicPartition> partitions) throws InterruptedException {
        Properties props = ClientConfigs.throughputProducer(broker.bootstrap(), "1");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, WRITE_BATCH_BYTES);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) IO_TIMEOUT.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, IO_TIMEOUT.toMillis());
        long total = (long) partitions.size() * options.recordsPerPartition();
        byte[] value = new byte[options.recordBytes()];
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>((int) total);
            for (int round = 0; round < options.recordsPerPartition(); round++) {
                for (TopicPartition partition : partitions) {
                    acks.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), null, value)));
                }
            }
            long refused = 0;
            String firstError = null;
            for (Future<RecordMetadata> ack : acks) {
                try {
                    ack.get();
                } catch (ExecutionException e) {
                    refused++;
                    firstError = firstError != null ? firstError : reason(e.getCause());
                }
            }
            long elapsed = System.nanoTime() - start;
            if (refused > 0) {
                throw new IllegalStateException(format("%,d of %,d records not acknowledged in %.1f s: %s", refused,
                        total, elapsed / 1e9, firstError));
            }
            result.seconds(ScaleResult.WRITE, elapsed, format("(%,d records of %d B)", total, options.recordBytes()));
            log("wrote %,d records in %s", total, result.cell(ScaleResult.WRITE));
        }
    }

    /** Reads every partition from the start; each must hold exactly {@code recordsPerPartition} records. */
    private void readBack(String row, List<TopicPartition> partitions) {
        Properties props = ClientConfigs.consumer(broker.bootstrap());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) IO_TIMEOUT.toMillis());
        long expected = (long) partitions.size() * options.recordsPerPartition();
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Integer> counts = new HashMap<>(partitions.size() * 2);
            long seen = 0;
            long deadline = start + IO_TIMEOUT.toNanos();
            while (seen < expected && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    counts.merge(new TopicPartition(record.topic(), record.partition()), 1, Integer::sum);
                }
                seen += records.count();
            }
            long elapsed = System.nanoTime() - start;
            long exact = partitions.stream()
                    .filter(p -> counts.getOrDefault(p, 0) == options.recordsPerPartition()).count();
            if (seen != expected || exact != partitions.size()) {
                throw new IllegalStateException(format("read %,d of %,d records in %.1f s; %,d of %,d partitions "
                                + "hold exactly %d", seen, expected, elapsed / 1e9, exact, partitions.size(),
                        options.recordsPerPartition()));
            }
            result.seconds(row, elapsed, format("(%,d records)", seen));
            log("read back %,d records in %s", seen, result.cell(row));
        }
    }

    private void footprint(String rssRow, String fdsRow) {
        result.megabytes(rssRow, ProcStats.rssBytes(broker.pid()));
        if (fdsRow != null) {
            ProcStats.OpenFiles fds = ProcStats.openFiles(broker.pid(), dataDir);
            result.count(fdsRow, fds.total(), fds.describe());
        }
        log("RSS %s, descriptors %s", result.cell(rssRow), fdsRow == null ? "-" : result.cell(fdsRow));
    }

    /** Metadata for all topics, timed end to end in the client (request, answer, parsing), untimed warm-up first. */
    private void metadata(int expectedPartitions) {
        try (KafkaConsumer<byte[], byte[]> client = new KafkaConsumer<>(ClientConfigs.consumer(broker.bootstrap()))) {
            for (int i = 0; i < options.metadataWarmUpRequests(); i++) {
                client.listTopics(METADATA_TIMEOUT);
            }
            List<Double> millis = new ArrayList<>(options.metadataRequests());
            int incomplete = 0;
            for (int i = 0; i < options.metadataRequests(); i++) {
                long start = System.nanoTime();
                Map<String, List<PartitionInfo>> topics = client.listTopics(METADATA_TIMEOUT);
                millis.add((System.nanoTime() - start) / 1e6);
                if (Topics.ledPartitions(topics, TOPIC_PREFIX).size() < expectedPartitions) {
                    incomplete++;
                }
            }
            double p99 = Percentiles.nearestRank(millis, 99);
            result.value(ScaleResult.METADATA_P99, p99);
            result.text(ScaleResult.METADATA, format("%.1f / %.1f / %.1f ms (%d requests%s)",
                    Percentiles.nearestRank(millis, 50), p99, Percentiles.nearestRank(millis, 100), millis.size(),
                    incomplete == 0 ? "" : format("; %d answers listed fewer partitions", incomplete)));
            log("Metadata p50/p99/max: %s", result.cell(ScaleResult.METADATA));
        }
    }

    /** The same broker command again on the same data; timed from the fork as a user sees it. */
    private void restart(String tag, int partitions, String firstRow, String ledRow, String rssRow, String fdsRow)
            throws IOException, InterruptedException {
        try (ReadyProbe probe = new ReadyProbe(broker.bootstrap(), PROBE_ATTEMPT)) {
            broker = broker.startAgain(sessionDir.resolve("broker-" + tag + ".log"));
            result.seconds(firstRow, probe.awaitReadyNanos(broker, RESTART_TIMEOUT));
            log("restarted (%s): first Metadata answer after %s", tag, result.cell(firstRow));
            try {
                result.seconds(ledRow, probe.awaitPartitionsLedNanos(broker, TOPIC_PREFIX, partitions, RESTART_TIMEOUT));
                log("restarted (%s): every partition listed with a leader after %s", tag, result.cell(ledRow));
            } catch (IllegalStateException e) {
                if (!broker.isAlive()) {
                    throw e;
                }
                result.failed(ledRow, reason(e));
            }
            footprint(rssRow, fdsRow);
        }
    }

    /** A cell-sized reason: the message, and for a broker that died its exit code and telling log line. */
    private String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = ScaleResult.shorten(message).replaceFirst(":$", "");
        if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                && !message.contains(e.getCause().getMessage())) {
            first += " (" + ScaleResult.shorten(e.getCause().getMessage()) + ")";
        }
        if (broker != null && !broker.isAlive()) {
            first += format("; broker exited with code %d %.1f s after its start, its log: %s", broker.exitValue(),
                    (System.nanoTime() - broker.startedNanos()) / 1e9, tellingLine(broker.logTail()));
        }
        // The temp dir's name says nothing and makes the cell three lines long.
        return dataDir == null ? first : first.replace(dataDir.toString(), "<data dir>");
    }

    /** The last line of a log tail that names an error, else its last non-blank line. */
    static String tellingLine(String tail) {
        String[] lines = tail.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.startsWith("at ") && (line.contains("Exception") || line.contains("Error")
                    || line.contains("Cannot") || line.contains("cannot"))) {
                return line;
            }
        }
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "(empty)";
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "%tT [%s] %s%n", System.currentTimeMillis(), result.kind.label,
                String.format(Locale.ROOT, format, args));
    }

    private static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Frees the disk: the data dir goes, the broker logs stay with the session for post-mortems. */
    void deleteData() throws IOException {
        if (Files.exists(sessionDir.resolve("data"))) {
            Bench.deleteRecursively(sessionDir.resolve("data"));
        }
    }
}
