package io.fjord.log.cleaner;

import java.time.Duration;
import io.fjord.testsupport.Waits;
import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.TestRecords;
import io.fjord.log.TopicPartition;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills (SIGKILL) a child JVM that appends to a compacted topic while cleaning it, at random
 * moments and exactly inside segment swaps, then checks the reopened log: nothing acknowledged
 * is lost (each key's newest acknowledged record is there, or a newer one of that key), every
 * record read is the one written at its offset, and no cleaner file is left.
 */
class CompactionCrashTest {
    private static final long DEADLINE_MS = 60_000;
    private static final int KILLED_BY_SIGKILL = 137;
    private static final String END_OF_OUTPUT = new String("<end of child output>"); // compared by identity
    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    /** A key's newest acknowledged record. */
    private record Ack(long offset, String value) {
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void killedWhileCompactingLosesNothingAcknowledged() throws Exception {
        long seed = TestSeeds.seed("killedWhileCompactingLosesNothingAcknowledged");
        Random random = new Random(seed);
        Path dataDir = tmp.resolve("data");
        Map<String, Ack> newestAcked = new HashMap<>();
        Map<Long, String> ackedValues = new HashMap<>();
        CleanerHook.Point[] points = CleanerHook.Point.values();
        for (int round = 0; round < ROUNDS; round++) {
            // Round 0 always pauses inside a swap; later rounds pick a point or a random kill.
            String pause = round == 0 ? CleanerHook.Point.OLD_SEGMENT_RENAMED.name()
                    : random.nextInt(3) == 0 ? "none" : points[random.nextInt(points.length)].name();
            int pauseAt = random.nextInt(3);
            int killAfterAcks = 100 + random.nextInt(400);
            System.out.println("round " + round + ": pause=" + pause + " at " + pauseAt + ", kill after "
                    + killAfterAcks + " acks (seed " + seed + ")");
            runAndKill(dataDir, round, pause, pauseAt, killAfterAcks, newestAcked, ackedValues, seed);
            verify(dataDir, newestAcked, ackedValues, seed);
        }
    }

    private void runAndKill(Path dataDir, int round, String pause, int pauseAt, int killAfterAcks,
                            Map<String, Ack> newestAcked, Map<Long, String> ackedValues, long seed) throws Exception {
        Path stderr = tmp.resolve("child-" + round + ".err");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(java, "-ea", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CompactingCrasher.class.getName(), dataDir.toString(), Integer.toString(round), pause,
                Integer.toString(pauseAt))
                .redirectError(stderr.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(child, lines), "child-stdout-" + round);
        reader.setDaemon(true);
        reader.start();
        try {
            Waits.Deadline deadline = Waits.deadline(Duration.ofMillis(DEADLINE_MS));
            int acks = 0;
            boolean paused = pause.equals("none");
            while (acks < killAfterAcks || !paused) {
                String line = lines.poll(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
                if (line == null || line == END_OF_OUTPUT) {
                    fail("round " + round + " (seed " + seed + "): child output ended or stalled after " + acks
                            + " acks, paused=" + paused + "; stderr:\n" + read(stderr));
                }
                if (line.startsWith("PAUSED")) {
                    paused = true;
                    // Kill soon after the pause, with appends still running.
                    killAfterAcks = Math.min(killAfterAcks, acks + 20);
                    continue;
                }
                record(line, newestAcked, ackedValues);
                acks++;
            }
        } finally {
            // Through the ProcessHandle, so our end of the child's stdout stays open (CrashRecoveryTest).
            child.toHandle().destroyForcibly();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the child survived SIGKILL for 30 s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(KILLED_BY_SIGKILL, child.exitValue(), "stderr:\n" + read(stderr));
        for (String line = lines.poll(); line != null && line != END_OF_OUTPUT; line = lines.poll()) {
            if (!line.startsWith("PAUSED")) {
                record(line, newestAcked, ackedValues);
            }
        }
    }

    private static void verify(Path dataDir, Map<String, Ack> newestAcked, Map<Long, String> ackedValues, long seed)
            throws IOException {
        Path partitionDir = dataDir.resolve(new TopicPartition(CompactingCrasher.TOPIC, 0).directoryName());
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dataDir).cleanerCheckIntervalMs(3_600_000).build())) {
            try (Stream<Path> files = Files.list(partitionDir)) {
                List<Path> stray = files.filter(f -> f.toString().endsWith(".cleaned") || f.toString().endsWith(".swap"))
                        .toList();
                assertTrue(stray.isEmpty(), "cleaner files left after open: " + stray + " (seed " + seed + ")");
            }
            Partition p = engine.partition(CompactingCrasher.TOPIC, 0);
            List<TestRecords.Read> read = TestRecords.readAll(p, p.earliestOffset());
            Map<String, TestRecords.Read> newestInLog = new HashMap<>();
            long previous = -1;
            for (TestRecords.Read r : read) {
                assertTrue(r.offset() > previous, "offsets increase (seed " + seed + ")");
                previous = r.offset();
                String acked = ackedValues.get(r.offset());
                if (acked != null) {
                    assertEquals(acked, r.value() == null ? "-" : r.value(), "value at " + r.offset() + " (seed " + seed + ")");
                }
                newestInLog.put(r.key(), r);
            }
            for (Map.Entry<String, Ack> entry : newestAcked.entrySet()) {
                Ack ack = entry.getValue();
                assertTrue(ack.offset() < p.latestOffset(), "acked offset " + ack.offset() + " below the log end");
                TestRecords.Read newest = newestInLog.get(entry.getKey());
                if (ack.value().equals("-")) {
                    // A tombstone: the key may be gone entirely once the tombstone expired.
                    assertTrue(newest == null || newest.offset() >= ack.offset(), "tombstone of " + entry.getKey());
                    continue;
                }
                assertTrue(newest != null && newest.offset() >= ack.offset(), "key " + entry.getKey() + " lost its"
                        + " acknowledged record at " + ack.offset() + "; newest in log: " + newest + " (seed " + seed + ")");
            }
        }
    }

    private static void record(String line, Map<String, Ack> newestAcked, Map<Long, String> ackedValues) {
        String[] parts = line.split(" ");
        assertTrue(parts.length == 4 && parts[0].equals("ACK"), "malformed child output: " + line);
        long offset = Long.parseLong(parts[1]);
        ackedValues.put(offset, parts[3]);
        Ack previous = newestAcked.get(parts[2]);
        if (previous == null || previous.offset() < offset) {
            newestAcked.put(parts[2], new Ack(offset, parts[3]));
        }
    }

    private static void readLines(Process child, BlockingQueue<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the stream closes when the child dies: same as its end
        } finally {
            lines.add(END_OF_OUTPUT);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "<none>";
    }
}
