package io.fjord.bench;

import java.io.IOException;
import java.nio.file.Path;

/** Starts one broker on a fresh directory; both brokers get the same JVM heap and options. */
interface BrokerLauncher {
    BrokerKind kind();

    /** Forks the broker with its data under {@code sessionDir}; returns before it is ready. */
    BrokerProcess start(Path sessionDir) throws IOException, InterruptedException;

    /** The JVM every broker runs on: the harness's own, so both brokers share one JDK. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
