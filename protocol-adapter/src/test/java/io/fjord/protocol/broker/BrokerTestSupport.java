package io.fjord.protocol.broker;

import io.fjord.testsupport.Waits;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Helpers shared by the broker integration tests: client settings, reads to the end, child JVMs,
 * kcat. Seeds and bounded waits are fjord-test-support's {@code TestSeeds} and {@code Waits}.
 */
final class BrokerTestSupport {
    private BrokerTestSupport() {
    }

    /** Open file descriptors of this process (Linux), or -1 where /proc is not there. */
    static int openFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return (int) list.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return p;
    }

    static Properties consumerProps(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return c;
    }

    static Properties bytesConsumerProps(String bootstrap) {
        Properties c = consumerProps(bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    /**
     * Reads {@code partitions} from the beginning up to their end offsets as of the call, with
     * assign() (no group). Fails if the end is not reached within {@code timeout}.
     */
    static <K, V> List<ConsumerRecord<K, V>> readAll(KafkaConsumer<K, V> consumer, Collection<TopicPartition> partitions,
                                                     Duration timeout) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        List<ConsumerRecord<K, V>> got = new ArrayList<>();
        Waits.Deadline deadline = Waits.deadline(timeout);
        while (!reachedEnd(consumer, end)) {
            deadline.failIfPassed(() -> "reading " + partitions + " to " + end + "; got " + got.size() + " records");
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        return got;
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(30)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- child JVMs and admin (group tests)

    /** The java launcher running this test, for child JVMs. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Starts {@code mainClass} in a child JVM on {@code classpath}, stdout and stderr to
     * {@code out} and {@code err}. Stdin stays a pipe: children that stop on its end (ChildBroker,
     * ChildConsumer) never outlive the test JVM.
     */
    static Process startJvm(String classpath, Path out, Path err, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    /** A file's text, or "" while it does not exist. */
    static String readText(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, java.nio.charset.StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the child prints a line starting with {@code prefix} to {@code out} and returns
     * the rest of it; fails with the child's stderr if it exits first or the timeout passes.
     */
    static String awaitLine(Process child, Path out, Path err, String prefix, Duration timeout)
            throws InterruptedException {
        Waits.Deadline deadline = Waits.deadline(timeout);
        while (true) {
            for (String line : readText(out).split("\n")) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            if (!child.isAlive()) {
                fail("child " + child.pid() + " exited with " + child.exitValue() + " before printing '" + prefix
                        + "'; stderr:\n" + readText(err));
            }
            deadline.failIfPassed(() -> "child " + child.pid() + " printed no '" + prefix + "' line; stderr:\n"
                    + readText(err));
            Thread.sleep(20);
        }
    }

    /** SIGKILLs the child if it still runs and waits (bounded) until it is gone. */
    static void killAndReap(Process child) throws InterruptedException {
        if (child == null) {
            return;
        }
        if (child.isAlive()) {
            child.destroyForcibly();
        }
        if (!child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            fail("child " + child.pid() + " did not exit after SIGKILL");
        }
    }

    static org.apache.kafka.clients.admin.Admin admin(String bootstrap) {
        Properties a = new Properties();
        a.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        a.put(org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return org.apache.kafka.clients.admin.Admin.create(a);
    }

    /**
     * Settings of a subscribing (group) consumer: classic group protocol, manual commits, short
     * session timeout so a dead member is noticed in seconds.
     */
    static Properties groupConsumerProps(String bootstrap, String group) {
        Properties c = consumerProps(bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "20000");
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return c;
    }

    /** Committed offsets (and metadata) of {@code group}, as the admin client lists them; partitions without one left out. */
    static Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed(
            org.apache.kafka.clients.admin.Admin admin, String group) {
        try {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> all = admin
                    .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, java.util.concurrent.TimeUnit.SECONDS);
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> present = new java.util.HashMap<>();
            all.forEach((tp, om) -> {
                if (om != null) {
                    present.put(tp, om);
                }
            });
            return present;
        } catch (Exception e) {
            throw new AssertionError("listConsumerGroupOffsets(" + group + ") failed: " + e, e);
        }
    }

    /**
     * The path of kcat. Missing, it fails the test under {@code CI=true} (.ci/run installs it) and
     * otherwise skips it loudly: the project's rule for tests that need a Debian package.
     */
    static String requireKcat(String testName) {
        String kcat = onPath("kcat");
        if (kcat == null) {
            String message = "kcat is not on PATH (" + System.getenv("PATH") + "): install the Debian package 'kcat'";
            if ("true".equals(System.getenv("CI"))) {
                fail(message + "; CI=true requires it (.ci/run installs it)");
            }
            System.err.println("\n**********************************************************************");
            System.err.println("*** SKIPPING " + testName + ": " + message);
            System.err.println("**********************************************************************\n");
            assumeTrue(false, message);
        }
        return kcat;
    }

    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
