package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A broker in its own JVM, for crash tests: opens the engine on {@code args[0]}, listens on an
 * ephemeral loopback port, prints {@code BOOTSTRAP host:port} and serves until its stdin closes
 * (the parent going away closes it, so an orphan never outlives the test), then shuts down
 * cleanly. Tests kill it with {@code Process.destroyForcibly()} (SIGKILL) to crash it.
 */
public final class ChildBroker {
    private ChildBroker() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ChildBroker <data-dir>");
            System.exit(2);
        }
        try (LogEngine engine = LogEngine.open(Path.of(args[0]));
             Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            System.out.println("BOOTSTRAP " + broker.bootstrap());
            System.out.flush();
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                // ignore input; end of stream means stop
            }
        }
    }
}
