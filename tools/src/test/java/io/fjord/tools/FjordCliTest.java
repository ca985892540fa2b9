package io.fjord.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fjord.log.io.IoFailures;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FjordCliTest {
    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheConfigFile() throws Exception {
        Path config = dir.resolve("broker.properties");
        Files.writeString(config, "listeners=PLAINTEXT://127.0.0.1:9999\nnum.partitions=3\nlog.retention.hours=1\n");
        Map<String, String> properties = Fjord.parseBrokerArgs(new String[] {"broker", "--config", config.toString(),
                "--listeners", "PLAINTEXT://127.0.0.1:0", "--data-dir", dir.resolve("data").toString(),
                "--override", "num.partitions=5"});
        assertEquals("PLAINTEXT://127.0.0.1:0", properties.get("listeners"));
        assertEquals("5", properties.get("num.partitions"));
        assertEquals("1", properties.get("log.retention.hours"));
    }

    /** What a run printed and returned. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Fjord.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A start-up failure: status 1, exactly one line on stderr, no stack trace, nothing on stdout. */
    private static String assertOneLineFailure(Run run) {
        assertEquals(1, run.status(), run.err());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), "one line: " + run.err());
        assertTrue(lines.get(0).startsWith("fjord: "), run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), "no stack trace: " + run.err());
        return lines.get(0);
    }

    @Test
    void theShippedExampleConfigLoads() {
        Path shipped = Path.of(System.getProperty("user.dir")).resolve("../config/broker.properties").normalize();
        Map<String, String> properties = Fjord.parseBrokerArgs(new String[] {"broker", "--config", shipped.toString()});
        assertEquals("PLAINTEXT://127.0.0.1:9092", properties.get("listeners"));
        io.fjord.protocol.broker.BrokerConfig config = io.fjord.protocol.broker.BrokerConfig.fromProperties(properties);
        assertEquals(9092, config.port());
        assertEquals(Path.of("data"), config.dataDir());
        assertEquals(0, config.groupConfig().initialRebalanceDelayMs());
    }

    @Test
    void helpAtTheTopListsEveryCommandAndExitsZero() {
        for (String help : List.of("--help", "-h", "help")) {
            Run run = run(help);
            assertEquals(0, run.status(), help);
            assertEquals("", run.err(), help);
            for (String command : List.of("broker", "connect", "bench")) {
                assertTrue(run.out().contains("\n  " + command + " "), help + " lists " + command + ": " + run.out());
            }
        }
    }

    @Test
    void noCommandPrintsTheUsageAndExitsTwo() {
        Run run = run();
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("usage: fjord COMMAND"), run.err());
        assertTrue(run.err().contains("broker") && run.err().contains("connect") && run.err().contains("bench"));
    }

    @Test
    void aMistypedCommandIsNamedAsUnknown() {
        Run run = run("brokr");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("fjord: unknown command 'brokr' (did you mean 'broker'?)\n"), run.err());
        assertTrue(run.err().contains("usage: fjord COMMAND"), run.err());
        assertTrue(run("frobnicate").err().startsWith("fjord: unknown command 'frobnicate'\n"));
    }

    @Test
    void brokerHelpPrintsTheBrokersUsageAndExitsZero() {
        for (String[] args : List.of(new String[] {"broker", "--help"}, new String[] {"broker", "-h"},
                new String[] {"broker", "--data-dir", "x", "--help"}, new String[] {"help", "broker"})) {
            Run run = run(args);
            assertEquals(0, run.status(), List.of(args).toString());
            assertEquals(Fjord.BROKER_USAGE, run.out());
            assertEquals("", run.err());
        }
    }

    @Test
    void aBadBrokerCommandLineExitsTwoWithTheReasonAndTheUsage() {
        Run unknown = run("broker", "--nope", "x");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("fjord broker: unknown option '--nope'\nusage: fjord broker"), unknown.err());
        Run missing = run("broker", "--config");
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("fjord broker: --config needs a value\n"), missing.err());
        Run override = run("broker", "--override", "novalue");
        assertEquals(2, override.status());
        assertTrue(override.err().startsWith("fjord broker: --override takes KEY=VALUE, got 'novalue'"), override.err());
        assertThrows(IllegalArgumentException.class, () -> Fjord.parseBrokerArgs(new String[] {"broker", "--nope", "x"}));
    }

    @Test
    void anUnknownBrokerConfigIsOneLineNamingIt() {
        String line = assertOneLineFailure(run("broker", "--data-dir", dir.resolve("data").toString(),
                "--override", "no.such.setting=1"));
        assertTrue(line.contains("'no.such.setting'"), line);
        assertFalse(Files.exists(dir.resolve("data")), "nothing created");
    }

    @Test
    void aMissingConfigFileIsSaidToNotExist() {
        Path missing = dir.resolve("broker.properties");
        String line = assertOneLineFailure(run("broker", "--config", missing.toString()));
        assertTrue(line.startsWith("fjord: config file " + missing + " does not exist"), line);
        String directory = assertOneLineFailure(run("broker", "--config", dir.toString()));
        assertTrue(directory.contains("it is a directory"), directory);
    }

    @Test
    void aTakenPortIsOneLineAndCreatesNothing() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            String line = assertOneLineFailure(run("broker", "--listeners", "PLAINTEXT://127.0.0.1:" + port,
                    "--data-dir", data.toString()));
            assertTrue(line.startsWith("fjord: Cannot listen on 127.0.0.1:" + port + ": address already in use"), line);
            assertTrue(line.contains("another port"), "says what to do: " + line);
        }
        assertFalse(Files.exists(data), "the data directory is not created before the port is bound");
    }

    @Test
    void anUnusableDataDirectoryNamesTheReason() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        String line = assertOneLineFailure(run("broker", "--listeners", "PLAINTEXT://127.0.0.1:0",
                "--data-dir", file.resolve("data").toString()));
        assertTrue(line.startsWith("fjord: Cannot open data directory " + file.resolve("data") + ": "), line);
        String reason = line.substring(line.indexOf(file.resolve("data") + ": ") + file.resolve("data").toString().length() + 2);
        assertFalse(reason.startsWith(file.resolve("data").toString()), "a reason, not the path again: " + line);
        assertTrue(line.contains("log.dirs"), "says which setting: " + line);
    }

    @Test
    void accessDeniedIsDescribedAsPermissionDenied() {
        // Tests may run as root, where chmod cannot deny: the description itself is checked here.
        assertEquals("/srv/fjord/data: permission denied",
                IoFailures.describe(new AccessDeniedException("/srv/fjord/data")));
        assertEquals("/srv/fjord/data: Read-only file system",
                IoFailures.describe(new FileSystemException("/srv/fjord/data", null, "Read-only file system")));
        assertEquals("permission denied",
                IoFailures.describe(new AccessDeniedException("/srv/fjord/data"), Path.of("/srv/fjord/data")));
    }

    @Test
    void theExitStatusReachesTheShell() throws Exception {
        assertEquals(0, childJvm("--help").waitFor());
        assertEquals(0, childJvm("broker", "--help").waitFor());
        assertEquals(2, childJvm("brokr").waitFor());
        assertEquals(2, childJvm().waitFor());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process process = childJvm("broker", "--listeners", "PLAINTEXT://127.0.0.1:" + taken.getLocalPort(),
                    "--data-dir", dir.resolve("child-data").toString());
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, process.waitFor(), err);
            assertEquals(1, err.lines().count(), err);
        }
    }

    private static Process childJvm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Fjord.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void startsABrokerThatClientsUseAndAutoCreatesTopics() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> properties = Fjord.parseBrokerArgs(new String[] {"broker", "--data-dir",
                dir.resolve("data").toString(), "--listeners", "PLAINTEXT://127.0.0.1:0", "--override",
                "num.partitions=3"});
        try (Fjord.RunningBroker running = Fjord.startBroker(properties, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.startsWith("Fjord broker ready at 127.0.0.1:"), printed);
            // A listener on port 0 gets its metrics endpoint on a free port too, never the fixed default.
            assertTrue(printed.contains("; /metrics and /health on http://127.0.0.1:"
                    + running.broker().httpAddress().getPort() + ")"), printed);
            assertFalse(running.broker().httpAddress().getPort() == 9644, printed);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, running.broker().bootstrap());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                producer.send(new ProducerRecord<>("auto", "k", "v")).get();
            }
            Properties a = new Properties();
            a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, running.broker().bootstrap());
            try (Admin admin = Admin.create(a)) {
                assertEquals(3, admin.describeTopics(java.util.List.of("auto")).allTopicNames().get().get("auto")
                        .partitions().size());
            }
        }
        assertTrue(Files.exists(dir.resolve("data").resolve(".kafka_cleanshutdown")), "clean shutdown marker");
    }
}
