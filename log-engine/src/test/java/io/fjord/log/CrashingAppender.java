package io.fjord.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: opens a {@link LogEngine}, appends from several
 * threads to a {@code durability=sync} topic until it is killed, and reports every acknowledged
 * append on stdout as {@code ACK <partition> <offset> <value>}. It never closes the engine.
 *
 * <p>Each line goes out in one {@code write(2)} on a raw stdout stream: a pipe write under
 * {@code PIPE_BUF} (4 KiB) is atomic, so a SIGKILL never leaves half a line for the parent to
 * misread, and lines from different threads never interleave.
 *
 * <p>Arguments: data directory, round, partitions, threads. With 0 threads it only opens the
 * engine, prints {@code READY} and waits to be killed.
 */
public final class CrashingAppender {
    static final String TOPIC = "crash";
    /** Small segments, so a kill lands near rolls too (records are ~90 bytes: ~180 per segment). */
    static final TopicConfig TOPIC_CONFIG = TopicConfig.of(Map.of(
            "durability", "sync", "segment.bytes", "16384", "index.interval.bytes", "512"));
    /** A bound, not a goal: the parent kills the child long before. */
    private static final long MAX_APPENDS_PER_THREAD = 1_000_000;

    private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);

    private CrashingAppender() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        int partitions = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        exitWhenTheParentGoes();

        // Checkpoints every 50 ms, so recovery starts from a recent recovery point, not offset 0.
        LogEngine engine = LogEngine.open(EngineConfig.builder(dataDir).checkpointIntervalMs(50).build());
        if (!engine.topicExists(TOPIC)) {
            engine.createTopic(TOPIC, partitions, TOPIC_CONFIG);
        }
        if (threads == 0) {
            STDOUT.write("READY\n".getBytes(StandardCharsets.UTF_8));
            new java.util.concurrent.CountDownLatch(1).await(); // engine threads are daemons: block until killed
            return;
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread appender = new Thread(() -> appendUntilKilled(engine, round, thread, partitions), "appender-" + t);
            appender.start();
        }
    }

    private static void appendUntilKilled(LogEngine engine, int round, int thread, int partitions) {
        try {
            byte[] key = ("t" + thread).getBytes(StandardCharsets.UTF_8);
            for (long seq = 0; seq < MAX_APPENDS_PER_THREAD; seq++) {
                int partition = (int) ((thread + seq) % partitions);
                String value = value(round, thread, seq);
                long offset = engine.partition(TOPIC, partition).append(key, value.getBytes(StandardCharsets.UTF_8),
                        System.currentTimeMillis());
                byte[] line = ("ACK " + partition + " " + offset + " " + value + "\n").getBytes(StandardCharsets.UTF_8);
                synchronized (STDOUT) {
                    STDOUT.write(line);
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(2); // the parent sees an early exit with our stack trace
        }
    }

    static String value(int round, int thread, long seq) {
        return "r" + round + "-t" + thread + "-s" + seq;
    }

    /** Stdin is the parent's pipe: at its end the parent is gone, and an orphan must not linger. */
    private static void exitWhenTheParentGoes() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; wait for end of stream
                }
            } catch (IOException ignored) {
                // same as end of stream
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
