package io.fjord.connect;

import io.fjord.log.LogEngine;
import io.fjord.protocol.broker.Broker;
import io.fjord.protocol.broker.BrokerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers shared by the Connect tests: an engine with a broker on it, input files. Seeds and bounded
 * waits are fjord-test-support's {@code TestSeeds} and {@code Waits}.
 */
final class ConnectTestSupport {
    private ConnectTestSupport() {
    }

    /** Lines {@code first..first+count-1} of a recognisable text, each ending in a newline. */
    static List<String> lines(String prefix, int first, int count) {
        List<String> lines = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            lines.add(prefix + " line " + i + " \u00e5\u00f8 " + "x".repeat(i % 37));
        }
        return lines;
    }

    static void append(Path file, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The file's text, or "" while it does not exist yet. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** An engine on {@code dir} with a broker on an ephemeral loopback port; closed together. */
    record BrokerOnEngine(LogEngine engine, Broker broker) implements AutoCloseable {
        static BrokerOnEngine start(Path dir) {
            LogEngine engine = LogEngine.open(dir);
            try {
                return new BrokerOnEngine(engine, Broker.start(engine, BrokerConfig.port(0)));
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
        }

        String bootstrap() {
            return broker.bootstrap();
        }

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
