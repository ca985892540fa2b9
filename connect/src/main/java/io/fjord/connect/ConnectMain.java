package io.fjord.connect;

import org.apache.kafka.common.KafkaException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code fjord connect worker.properties connector.properties...}: runs an embedded Connect
 * worker, as Kafka's {@code connect-standalone.sh} does, until SIGTERM or Ctrl-C; the shutdown
 * hook stops the tasks, which commit their offsets. The main class of {@code connect/target/fjord-connect.jar},
 * which {@code bin/fjord connect} runs: a jar of its own, so the broker's jar carries no Kafka client
 * or Connect classes.
 */
public final class ConnectMain {
    static final String USAGE = """
            usage: fjord connect WORKER.properties CONNECTOR.properties [CONNECTOR.properties ...]
              worker:     bootstrap.servers=HOST:PORT (a running broker) or fjord.data.dir=DIR (an engine
                          opened in this process; not a directory a running broker uses), key.converter,
                          value.converter (+ key.converter.* / value.converter.*), offset.storage.topic,
                          offset.flush.interval.ms, producer.* / consumer.*
              connector:  name, connector.class, tasks.max, topics (sinks), the connector's own keys
            """;

    private ConnectMain() {
    }

    public static void main(String[] args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "connect";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        int status = run(withCommand, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 2 && (args[1].equals("--help") || args[1].equals("-h"))) {
            out.print(USAGE);
            return 0;
        }
        if (args.length < 3) {
            err.print(USAGE);
            return 2;
        }
        ConnectWorker worker;
        try {
            WorkerConfig workerConfig = WorkerConfig.of(load(Path.of(args[1])));
            List<ConnectorConfig> connectors = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                connectors.add(ConnectorConfig.of(load(Path.of(args[i]))));
            }
            worker = ConnectWorker.start(workerConfig, connectors);
        } catch (KafkaException | IllegalArgumentException | IllegalStateException | IOException e) {
            // ConfigException and ConnectException are KafkaExceptions: their message names the problem.
            err.println("fjord connect: " + e.getMessage());
            return 1;
        }
        out.println("Fjord Connect worker running " + (args.length - 2) + " connector(s); Ctrl-C stops it");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            Map<String, Throwable> failures = worker.failures();
            out.println(failures.isEmpty() ? "Fjord Connect worker stopped cleanly"
                    : "Fjord Connect worker stopped; failed: " + failures.keySet());
            out.flush();
            stopped.countDown();
        }, "fjord-connect-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static Map<String, String> load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such properties file: " + file);
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name).trim());
        }
        return map;
    }
}
