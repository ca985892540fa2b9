package io.fjord.bench;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Apache Kafka in KRaft combined mode (broker + controller in one JVM), single node, loopback,
 * Kafka's defaults except what one node needs (replication factors 1). The data directory is
 * formatted by {@code kafka.tools.StorageTool} before the timed start, as {@code kafka-storage.sh
 * format} would be run once at install time.
 */
final class KafkaLauncher implements BrokerLauncher {
    private static final long FORMAT_TIMEOUT_SECONDS = 120;

    private final Path libDir;
    private final List<String> jvmOptions;

    KafkaLauncher(Path libDir, List<String> jvmOptions) {
        this.libDir = libDir;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.KAFKA;
    }

    @Override
    public BrokerProcess start(Path sessionDir) throws IOException, InterruptedException {
        Path dataDir = Files.createDirectories(sessionDir.resolve("data"));
        int port = Ports.freeLoopbackPort();
        int controllerPort = Ports.freeLoopbackPort();
        Path properties = sessionDir.resolve("server.properties");
        Files.writeString(properties, serverProperties(dataDir, port, controllerPort), StandardCharsets.UTF_8);
        format(properties, sessionDir.resolve("format.log"));

        List<String> command = new ArrayList<>(List.of(BrokerLauncher.javaExecutable()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", libDir.resolve("*").toString(), "kafka.Kafka", properties.toString()));
        return BrokerProcess.start(kind(), command, "127.0.0.1:" + port, sessionDir.resolve("broker.log"));
    }

    private void format(Path properties, Path log) throws IOException, InterruptedException {
        List<String> command = List.of(BrokerLauncher.javaExecutable(), "-cp", libDir.resolve("*").toString(),
                "kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", properties.toString());
        Process format = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildProcesses.register(format);
        try {
            if (!format.waitFor(FORMAT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("kafka.tools.StorageTool format failed; its output:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            ChildProcesses.unregister(format);
        }
    }

    static String serverProperties(Path dataDir, int port, int controllerPort) {
        return """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                """.formatted(port, controllerPort, dataDir);
    }
}
