package io.fjord.tools;

import io.fjord.log.FjordException;
import io.fjord.log.LogEngine;
import io.fjord.protocol.broker.Broker;
import io.fjord.protocol.broker.BrokerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code fjord} command line. {@code fjord broker} starts a Kafka-protocol broker: data in
 * {@code ./data}, listening on {@code 127.0.0.1:9092}, topics auto-created, unless a properties
 * file (Kafka's config names) or flags say otherwise. SIGTERM and Ctrl-C shut it down cleanly.
 * ({@code bin/fjord connect} runs another jar: {@code io.fjord.connect.ConnectMain}.)
 */
public final class Fjord {
    static final String USAGE = """
            usage: fjord broker [options]
              --config FILE            broker properties, Kafka's names (listeners, log.dirs, num.partitions, ...)
              --data-dir DIR           data directory (log.dirs), default ./data
              --listeners LISTENER     e.g. PLAINTEXT://127.0.0.1:9092 (the default)
              --override KEY=VALUE     any broker property; repeatable, wins over --config
            """;

    private Fjord() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("broker")) {
            err.print(USAGE);
            return 2;
        }
        RunningBroker running;
        try {
            running = startBroker(parseBrokerArgs(args), out);
        } catch (FjordException | IllegalArgumentException | IOException e) {
            err.println("fjord: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            out.println("Fjord broker stopped cleanly");
            stopped.countDown();
        }, "fjord-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Broker properties from the command line: a file first, then flags on top. */
    static Map<String, String> parseBrokerArgs(String[] args) throws IOException {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--config" -> properties.putAll(load(Path.of(value)));
                case "--data-dir" -> flags.put("log.dirs", value);
                case "--listeners" -> flags.put("listeners", value);
                case "--override" -> {
                    int equals = value.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException("--override takes KEY=VALUE, got '" + value + "'");
                    }
                    flags.put(value.substring(0, equals), value.substring(equals + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        properties.putAll(flags);
        return properties;
    }

    private static Map<String, String> load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }

    /** Opens the engine and starts the broker on it; prints the bootstrap address when ready. */
    static RunningBroker startBroker(Map<String, String> properties, PrintStream out) {
        BrokerConfig config = BrokerConfig.fromProperties(properties);
        LogEngine engine = LogEngine.open(config.engineConfig());
        try {
            Broker broker = Broker.start(engine, config);
            out.println("Fjord broker ready at " + broker.bootstrap() + " (data in " + config.dataDir().toAbsolutePath()
                    + ")");
            out.flush();
            return new RunningBroker(engine, broker);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** A started engine and broker, closed together (the close writes the clean-shutdown marker). */
    record RunningBroker(LogEngine engine, Broker broker) implements AutoCloseable {
        @Override
        public void close() {
            try {
                broker.close();
            } finally {
                engine.close();
            }
        }
    }
}
