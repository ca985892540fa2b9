package io.fjord.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One broker JVM started by the harness. {@link #startedNanos()} is taken just before the fork,
 * so start-to-ready includes JVM start-up, as a user would see it. Closing sends SIGTERM, waits
 * for a clean shutdown, then kills: a benchmark must never leave a broker behind.
 */
final class BrokerProcess implements AutoCloseable {
    /** Kafka's controlled shutdown takes a few seconds; anything longer is a hang. */
    private static final long SHUTDOWN_WAIT_MS = 20_000;

    private final BrokerKind kind;
    private final Process process;
    private final long startedNanos;
    private final String bootstrap;
    private final Path logFile;
    private final List<String> command;
    /** Set by {@link #kill()} and {@link #stop}: an exit the harness asked for is not a crash. */
    private boolean stoppedOnPurpose;

    private BrokerProcess(BrokerKind kind, Process process, long startedNanos, String bootstrap, Path logFile,
                          List<String> command) {
        this.kind = kind;
        this.process = process;
        this.startedNanos = startedNanos;
        this.bootstrap = bootstrap;
        this.logFile = logFile;
        this.command = List.copyOf(command);
    }

    static BrokerProcess start(BrokerKind kind, List<String> command, String bootstrap, Path logFile)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        long startedNanos = System.nanoTime();
        Process process = builder.start();
        ChildProcesses.register(process);
        return new BrokerProcess(kind, process, startedNanos, bootstrap, logFile, command);
    }

    /**
     * The same command again, on the same data and ports, once this process has exited (after
     * {@link #kill()} or {@link #stop}). Same ports because Kafka's KRaft quorum stores its
     * controller's address in the formatted data directory; same for Fjord to compare alike.
     */
    BrokerProcess startAgain(Path newLogFile) throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(kind.label + " broker (pid " + process.pid() + ") is still running");
        }
        return start(kind, command, bootstrap, newLogFile);
    }

    /** SIGKILL, as a crash or the OOM killer would, and wait until the kernel has reaped it. */
    void kill() throws InterruptedException {
        stoppedOnPurpose = true;
        process.destroyForcibly();
        if (!process.waitFor(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(kind.label + " broker (pid " + process.pid() + ") survived SIGKILL");
        }
    }

    /**
     * SIGTERM and wait up to {@code timeout} for a clean exit.
     *
     * @return nanoseconds from the signal to the exit, or -1 when it did not exit in time (it is
     *         then killed, so the caller can carry on; a clean stop that hangs is a result)
     */
    long stop(java.time.Duration timeout) throws InterruptedException {
        stoppedOnPurpose = true;
        long signalled = System.nanoTime();
        process.destroy();
        if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return System.nanoTime() - signalled;
        }
        kill();
        return -1;
    }

    /** Exit code of an exited process. */
    int exitValue() {
        return process.exitValue();
    }

    BrokerKind kind() {
        return kind;
    }

    long pid() {
        return process.pid();
    }

    long startedNanos() {
        return startedNanos;
    }

    String bootstrap() {
        return bootstrap;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines the broker printed, for error messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (!process.isAlive() && !stoppedOnPurpose) {
            // Died under load: say so loudly, the workload error alone would blame the client.
            System.err.println(kind.label + " broker (pid " + process.pid() + ") had already exited with code "
                    + process.exitValue() + "; last output:\n" + logTail());
        }
        process.destroy();
        try {
            if (!process.waitFor(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            ChildProcesses.unregister(process);
        }
    }
}
