package io.fjord.tools;

import io.fjord.log.FjordException;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.LogEngine;
import io.fjord.net.ListenSocket;
import io.fjord.protocol.broker.Broker;
import io.fjord.protocol.broker.BrokerConfig;
import io.fjord.protocol.broker.BrokerStartException;
import io.fjord.protocol.broker.EditDistance;
import io.fjord.protocol.metrics.HttpListener;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code fjord} command line. {@code fjord broker} starts a Kafka-protocol broker: data in
 * {@code ./data}, listening on {@code 127.0.0.1:9092}, topics auto-created, unless a properties
 * file (Kafka's config names) or flags say otherwise. SIGTERM and Ctrl-C shut it down cleanly.
 * ({@code bin/fjord connect} and {@code bin/fjord bench} run other jars.)
 *
 * <p>Exit status, as Kafka's scripts: 0 for {@code --help} (and a clean stop), 2 for a command line
 * that cannot be parsed (unknown command or option, a missing value), 1 for a start-up failure (a
 * config file that cannot be read, a refused config, a taken port, an unusable data directory).
 * Every failure is one line on stderr naming the cause and what to do, never a stack trace
 * ({@code -Dfjord.debug=true} in {@code FJORD_OPTS} adds one for an unexpected error).
 *
 * <p>Start-up order: the config is read and checked, then the port is bound, and only then is the
 * data directory opened (created on first use) and the broker served: a failed start creates nothing.
 */
public final class Fjord {
    static final String USAGE = """
            usage: fjord COMMAND [options]
            commands:
              broker     a Kafka-protocol broker (Kafka clients, kcat, ... talk to it unchanged)
              connect    an embedded Kafka Connect worker, like Kafka's connect-standalone.sh
              bench      Fjord and Apache Kafka side by side on this machine
              help       this text; 'fjord COMMAND --help' describes one command
            """;

    static final String BROKER_USAGE = """
            usage: fjord broker [options]
              --config FILE            broker properties, Kafka's names (listeners, log.dirs, num.partitions, ...);
                                       Kafka's own server.properties loads (config/broker.properties is an example)
              --data-dir DIR           data directory (log.dirs), default ./data
              --listeners LISTENER     e.g. PLAINTEXT://127.0.0.1:9092 (the default)
              --override KEY=VALUE     any broker property; repeatable, wins over --config
              -h, --help               this text
            """;

    /** Commands whose main class is in another jar: bin/fjord runs them, this jar only points there. */
    private static final Set<String> OTHER_JAR_COMMANDS = Set.of("connect", "bench");
    private static final List<String> COMMANDS = List.of("broker", "connect", "bench", "help");

    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Fjord() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != EXIT_OK) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return EXIT_USAGE;
        }
        String command = args[0];
        if (isHelp(command) || command.equals("help")) {
            if (command.equals("help") && args.length > 1 && args[1].equals("broker")) {
                out.print(BROKER_USAGE);
            } else {
                out.print(USAGE);
            }
            return EXIT_OK;
        }
        if (OTHER_JAR_COMMANDS.contains(command)) {
            err.println("fjord: '" + command + "' runs from its own jar: use bin/fjord " + command);
            return EXIT_USAGE;
        }
        if (!command.equals("broker")) {
            err.println("fjord: unknown command '" + command + "'" + suggestion(command));
            err.print(USAGE);
            return EXIT_USAGE;
        }
        for (int i = 1; i < args.length; i++) {
            if (isHelp(args[i])) {
                out.print(BROKER_USAGE);
                return EXIT_OK;
            }
        }
        Map<String, String> properties;
        try {
            properties = parseBrokerArgs(args);
        } catch (UsageException e) {
            err.println("fjord broker: " + e.getMessage());
            err.print(BROKER_USAGE);
            return EXIT_USAGE;
        } catch (StartFailure e) {
            err.println("fjord: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        RunningBroker running;
        try {
            running = startBroker(properties, out);
        } catch (StartFailure e) {
            err.println("fjord: " + e.getMessage());
            return EXIT_START_FAILED;
        } catch (RuntimeException e) {
            // Not one of the failures start-up expects: still one line, the stack trace only on request.
            err.println("fjord: start-up failed: " + e + " (FJORD_OPTS=-Dfjord.debug=true prints the stack trace)");
            if (Boolean.getBoolean("fjord.debug")) {
                e.printStackTrace(err);
            }
            return EXIT_START_FAILED;
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
        return EXIT_OK;
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }

    /** " (did you mean 'broker'?)" for a command one or two edits away from a real one, else "". */
    static String suggestion(String typed) {
        for (String command : COMMANDS) {
            if (EditDistance.between(typed, command) <= 2) {
                return " (did you mean '" + command + "'?)";
            }
        }
        return "";
    }

    /**
     * Broker properties from the command line: a file first, then flags on top.
     *
     * @throws UsageException for an unknown option or a missing value
     * @throws StartFailure   for a config file that cannot be read
     */
    static Map<String, String> parseBrokerArgs(String[] args) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (!List.of("--config", "--data-dir", "--listeners", "--override").contains(option)) {
                throw new UsageException("unknown option '" + option + "'");
            }
            if (i + 1 >= args.length) {
                throw new UsageException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--config" -> properties.putAll(load(Path.of(value)));
                case "--data-dir" -> flags.put("log.dirs", value);
                case "--listeners" -> flags.put("listeners", value);
                default -> {
                    int equals = value.indexOf('=');
                    if (equals <= 0) {
                        throw new UsageException("--override takes KEY=VALUE, got '" + value + "'");
                    }
                    flags.put(value.substring(0, equals), value.substring(equals + 1));
                }
            }
        }
        properties.putAll(flags);
        return properties;
    }

    private static Map<String, String> load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new StartFailure("config file " + file + " does not exist (" + file.toAbsolutePath()
                    + "); config/broker.properties is an example to copy");
        } catch (AccessDeniedException e) {
            throw new StartFailure("cannot read config file " + file + ": permission denied");
        } catch (IOException e) {
            String reason = Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage());
            throw new StartFailure("cannot read config file " + file + ": " + reason);
        } catch (IllegalArgumentException e) {
            throw new StartFailure("config file " + file + " is not a properties file: " + e.getMessage());
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }

    /**
     * Checks the config, binds the port, then opens the engine (creating the data directory on first
     * use) and starts the broker on it; prints the bootstrap address when ready.
     *
     * @throws StartFailure with a one-line message naming the cause and the remedy
     */
    static RunningBroker startBroker(Map<String, String> properties, PrintStream out) {
        BrokerConfig config;
        try {
            config = BrokerConfig.fromProperties(properties);
        } catch (InvalidConfigException e) {
            throw new StartFailure("invalid broker config: " + e.getMessage());
        }
        ListenSocket socket;
        try {
            socket = Broker.listen(config);
        } catch (BrokerStartException e) {
            throw new StartFailure(e.getMessage());
        }
        LogEngine engine;
        try {
            engine = LogEngine.open(config.engineConfig());
        } catch (FjordException e) {
            socket.close();
            throw new StartFailure(e.getMessage() + " (the data directory is log.dirs, or --data-dir)");
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        try {
            Broker broker = Broker.start(engine, config, socket);
            InetSocketAddress metrics = broker.httpAddress();
            out.println("Fjord broker ready at " + broker.bootstrap() + " (data in " + config.dataDir().toAbsolutePath()
                    + (metrics == null ? "" : "; /metrics and /health on "
                    + new HttpListener(config.httpListener().host(), metrics.getPort())) + ")");
            out.flush();
            return new RunningBroker(engine, broker);
        } catch (BrokerStartException e) {
            engine.close();
            throw new StartFailure(e.getMessage());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** A command line that cannot be parsed: exit status 2, with the usage. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Start-up failed for a reason the message names, with what to do: exit status 1, one line. */
    static final class StartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
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
