package io.fjord.log.cleaner;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.TopicConfig;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@link CompactionCrashTest}: appends keyed records to a compacted
 * {@code durability=sync} topic on one thread while another runs cleaning passes back to back,
 * and reports each acknowledged append as {@code ACK <offset> <key> <value>}. It never closes
 * the engine; the parent kills it.
 *
 * <p>With a pause point, the cleaner thread blocks forever the {@code n}-th time it reaches that
 * point of a swap and prints {@code PAUSED}, so the parent can kill it exactly there (appends go
 * on meanwhile).
 *
 * <p>Arguments: data directory, round, pause point ({@code none} or a {@link CleanerHook.Point}),
 * n. Each line goes out in one {@code write(2)}, atomic on a pipe (see CrashingAppender).
 */
public final class CompactingCrasher {
    static final String TOPIC = "compacted-crash";
    static final int KEYS = 23;
    static final TopicConfig TOPIC_CONFIG = TopicConfig.of(Map.of("cleanup.policy", "compact",
            "durability", "sync", "segment.bytes", "1024", "index.interval.bytes", "128",
            "file.delete.delay.ms", "0", "delete.retention.ms", "0"));
    private static final long MAX_APPENDS = 1_000_000;
    private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);

    private CompactingCrasher() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        String pausePoint = args[2];
        int pauseAt = Integer.parseInt(args[3]);
        exitWhenTheParentGoes();

        LogEngine engine = LogEngine.open(EngineConfig.builder(dataDir).cleanerCheckIntervalMs(3_600_000).build());
        if (!engine.topicExists(TOPIC)) {
            engine.createTopic(TOPIC, 1, TOPIC_CONFIG);
        }
        AtomicInteger reached = new AtomicInteger();
        engine.cleaner().hook((point, base) -> {
            if (point.name().equals(pausePoint) && reached.getAndIncrement() == pauseAt) {
                print("PAUSED " + point + " " + base);
                try {
                    new CountDownLatch(1).await(); // until killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Partition partition = engine.partition(TOPIC, 0);
        Thread cleaner = new Thread(() -> {
            try {
                while (true) {
                    engine.cleanLogsNow();
                }
            } catch (Throwable e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(2);
            }
        }, "crash-cleaner");
        cleaner.setDaemon(true);
        cleaner.start();
        try {
            for (long i = 0; i < MAX_APPENDS; i++) {
                String key = "k" + (i % KEYS);
                // Every 10th record of a key is a tombstone, so deletes cross crashes too.
                String value = i % (KEYS * 10) < KEYS ? null : "r" + round + "-" + i;
                long offset = partition.append(key.getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
                print("ACK " + offset + " " + key + " " + (value == null ? "-" : value));
            }
        } catch (Throwable e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(2);
        }
    }

    private static void print(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (STDOUT) {
            try {
                STDOUT.write(bytes);
            } catch (IOException e) {
                Runtime.getRuntime().halt(4);
            }
        }
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
