package io.fjord.log;

import java.time.Duration;
import io.fjord.testsupport.Waits;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code kill -9} under load: a child JVM ({@link CrashingAppender}) appends to a
 * {@code durability=sync} topic from several threads and reports each acknowledged append; the
 * parent SIGKILLs it at a random point, then checks that every acknowledged record is at its
 * offset with its value, that each partition's offsets run contiguously from 0, and that nothing
 * is duplicated. Several rounds on the same directory; after some rounds the next child recovers
 * the crashed directory itself instead of the parent's in-process engine.
 */
class CrashRecoveryTest {
    private static final int ROUNDS = 4;
    private static final int PARTITIONS = 4;
    private static final int THREADS = 8;
    private static final long ACK_DEADLINE_MS = 60_000;
    /** Linux reports a SIGKILLed process as exit code 128 + 9. */
    private static final int KILLED_BY_SIGKILL = 137;
    private static final Pattern ACK = Pattern.compile("ACK (\\d+) (\\d+) (r(\\d+)-t(\\d+)-s(\\d+))");
    private static final Pattern VALUE = Pattern.compile("r(\\d+)-t(\\d+)-s(\\d+)");
    private static final String END_OF_OUTPUT = new String("<end of child output>"); // compared by identity

    @TempDir
    Path tmp;

    /** One acknowledged append as the child reported it. */
    private record Ack(int partition, long offset, String value) {
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void everyAcknowledgedRecordSurvivesKillDashNine() throws Exception {
        long seed = TestSeeds.seed("everyAcknowledgedRecordSurvivesKillDashNine");
        Random random = new Random(seed);
        Path dataDir = tmp.resolve("data");
        Map<String, Ack> acked = new HashMap<>();
        for (int round = 1; round <= ROUNDS; round++) {
            int killAfter = 1_000 + random.nextInt(1_500);
            int before = acked.size();
            runAndKill(dataDir, round, killAfter, acked);
            System.out.println("round " + round + ": killed after " + (acked.size() - before)
                    + " acknowledged appends (asked for " + killAfter + ")");
            // Even rounds leave the crashed directory to the next child to recover.
            if (round % 2 == 1 || round == ROUNDS) {
                verify(dataDir, acked, round, "round " + round + ", seed " + seed);
            }
        }
    }

    /**
     * ENGINE BUG (reported; fails until fixed): opening a segment re-preallocates its index files
     * to {@code segment.index.bytes} (MappedIndexFile.open), and only a roll or a clean close trims
     * them again. A crash after a restart therefore leaves every older segment with a full-size,
     * zero-tailed index; the next open counts ~1.3 M entries, fails the sanity check and rescans
     * every older segment, not only those past the recovery point. Nothing is lost, but crash
     * recovery becomes a read of the whole log. Fix: trim the indexes of older segments right
     * after {@code loadClean()} in PartitionLog.load (see the report).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCrashRightAfterARestartLeavesOlderSegmentIndexesTrimmed() throws Exception {
        Path dataDir = tmp.resolve("data");
        try (LogEngine engine = LogEngine.open(dataDir)) {
            engine.createTopic(CrashingAppender.TOPIC, PARTITIONS, CrashingAppender.TOPIC_CONFIG);
            Partition p = engine.partition(CrashingAppender.TOPIC, 0);
            for (int i = 0; i < 1_000; i++) {
                p.append(null, TestRecords.bytes(CrashingAppender.value(0, 0, i)), i);
            }
            assertTrue(p.log().segmentCount() >= 4, "several segments: " + p.log().segmentCount());
        }
        Path partitionDir = dataDir.resolve(new TopicPartition(CrashingAppender.TOPIC, 0).directoryName());
        Map<Path, Long> olderIndexSizes = olderSegmentIndexSizes(partitionDir);

        Path stderr = tmp.resolve("child-open-only.err");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process child = startChild(dataDir, 1, 0, stderr);
        Thread reader = startReader(child, lines, "child-stdout-open-only");
        try {
            String line = lines.poll(ACK_DEADLINE_MS, TimeUnit.MILLISECONDS);
            assertEquals("READY", line, "child stderr:\n" + read(stderr));
        } finally {
            child.toHandle().destroyForcibly();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the child survived SIGKILL for 30 s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(KILLED_BY_SIGKILL, child.exitValue());
        assertEquals(olderIndexSizes, olderSegmentIndexSizes(partitionDir),
                "index files of segments that take no appends must stay trimmed through a crash");
        try (LogEngine engine = LogEngine.open(dataDir)) {
            assertEquals(1_000, TestRecords.readAll(engine.partition(CrashingAppender.TOPIC, 0), 0).size());
        }
    }

    /** Sizes of the index files of every segment but the newest. */
    private static Map<Path, Long> olderSegmentIndexSizes(Path partitionDir) throws IOException {
        List<Path> logs;
        try (var files = Files.list(partitionDir)) {
            logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        Map<Path, Long> sizes = new java.util.TreeMap<>();
        for (Path log : logs.subList(0, logs.size() - 1)) {
            for (String suffix : new String[] {".index", ".timeindex"}) {
                Path index = Path.of(log.toString().replace(".log", suffix));
                sizes.put(index.getFileName(), Files.size(index));
            }
        }
        return sizes;
    }

    private void runAndKill(Path dataDir, int round, int killAfter, Map<String, Ack> acked) throws Exception {
        Path stderr = tmp.resolve("child-" + round + ".err");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process child = startChild(dataDir, round, THREADS, stderr);
        Thread reader = startReader(child, lines, "child-stdout-" + round);
        int exitCode;
        try {
            Waits.Deadline deadline = Waits.deadline(Duration.ofMillis(ACK_DEADLINE_MS));
            int seen = 0;
            while (seen < killAfter) {
                String line = lines.poll(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("round " + round + ": only " + seen + " of " + killAfter + " acks within " + ACK_DEADLINE_MS
                            + " ms; child stderr:\n" + read(stderr));
                }
                if (line == END_OF_OUTPUT) {
                    fail("round " + round + ": the child exited on its own after " + seen + " acks (exit "
                            + child.waitFor() + "); stderr:\n" + read(stderr));
                }
                record(line, acked);
                seen++;
            }
        } finally {
            // SIGKILL on Linux: no shutdown hook, no close, no flush. Through the ProcessHandle, because
            // Process.destroyForcibly() also closes our end of the child's stdout, which would drop
            // acknowledgements still in the pipe and make the check of unacknowledged tails flaky.
            child.toHandle().destroyForcibly();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("round " + round + ": the child survived SIGKILL for 30 s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        exitCode = child.exitValue();
        assertEquals(KILLED_BY_SIGKILL, exitCode, "the child died by SIGKILL, while appending; stderr:\n"
                + read(stderr));
        // Lines written before the kill but not read yet are acknowledgements too.
        for (String line = lines.poll(); line != null && line != END_OF_OUTPUT; line = lines.poll()) {
            record(line, acked);
        }
        assertTrue(!reader.isAlive(), "stdout reader ended");
    }

    private static Process startChild(Path dataDir, int round, int threads, Path stderr) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(java, "-ea", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                CrashingAppender.class.getName(), dataDir.toString(), Integer.toString(round),
                Integer.toString(PARTITIONS), Integer.toString(threads))
                .redirectError(stderr.toFile())
                .start();
    }

    private static Thread startReader(Process child, BlockingQueue<String> lines, String name) {
        Thread reader = new Thread(() -> readLines(child, lines), name);
        reader.setDaemon(true);
        reader.start();
        return reader;
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

    private static void record(String line, Map<String, Ack> acked) {
        Matcher m = ACK.matcher(line);
        assertTrue(m.matches(), "malformed child output: " + line);
        Ack ack = new Ack(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), m.group(3));
        assertNull(acked.put(ack.value(), ack), "value acknowledged twice: " + line);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "<none>";
    }

    /**
     * Opens the directory in-process (recovering it) and checks: offsets contiguous from 0 in
     * every partition, no value twice, every acknowledged value at its offset, and per writer
     * thread exactly sequences 0..m where m is its last acknowledged sequence or one more (an
     * append that completed but whose ack line the kill prevented).
     */
    private static void verify(Path dataDir, Map<String, Ack> acked, int rounds, String context) {
        try (LogEngine engine = LogEngine.open(dataDir)) {
            assertEquals(PARTITIONS, engine.partitionCount(CrashingAppender.TOPIC), context);
            List<List<TestRecords.Read>> logs = new ArrayList<>();
            Map<String, TreeSet<Long>> sequencesByWriter = new HashMap<>();
            Map<String, Integer> partitionOfValue = new HashMap<>();
            long total = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                Partition partition = engine.partition(CrashingAppender.TOPIC, p);
                assertEquals(0, partition.earliestOffset(), context);
                List<TestRecords.Read> records = TestRecords.readAll(partition, 0);
                logs.add(records);
                assertEquals(partition.latestOffset(), records.size(), "partition " + p + " end, " + context);
                for (int i = 0; i < records.size(); i++) {
                    TestRecords.Read read = records.get(i);
                    assertEquals(i, read.offset(), "partition " + p + " offsets are contiguous, " + context);
                    Matcher m = VALUE.matcher(read.value());
                    assertTrue(m.matches(), "partition " + p + " offset " + i + " holds " + read.value() + ", " + context);
                    assertEquals("t" + m.group(2), read.key(), context);
                    assertNull(partitionOfValue.put(read.value(), p), "duplicate " + read.value() + ", " + context);
                    sequencesByWriter.computeIfAbsent("r" + m.group(1) + "-t" + m.group(2), k -> new TreeSet<>())
                            .add(Long.parseLong(m.group(3)));
                }
                total += records.size();
            }
            for (Ack ack : acked.values()) {
                List<TestRecords.Read> log = logs.get(ack.partition());
                assertTrue(ack.offset() < log.size(), "acknowledged " + ack + " lost: partition ends at "
                        + log.size() + ", " + context);
                assertEquals(ack.value(), log.get((int) ack.offset()).value(), "acknowledged " + ack + ", " + context);
            }
            Map<String, Long> lastAckedByWriter = new HashMap<>();
            for (Ack ack : acked.values()) {
                Matcher m = VALUE.matcher(ack.value());
                assertTrue(m.matches());
                lastAckedByWriter.merge("r" + m.group(1) + "-t" + m.group(2), Long.parseLong(m.group(3)), Math::max);
            }
            for (int round = 1; round <= rounds; round++) {
                for (int t = 0; t < THREADS; t++) {
                    String writer = "r" + round + "-t" + t;
                    TreeSet<Long> present = sequencesByWriter.getOrDefault(writer, new TreeSet<>());
                    long lastAcked = lastAckedByWriter.getOrDefault(writer, -1L);
                    long last = present.isEmpty() ? -1 : present.last();
                    assertEquals(last + 1, present.size(), writer + " has gaps: " + present + ", " + context);
                    assertTrue(last == lastAcked || last == lastAcked + 1, writer + " ends at sequence " + last
                            + " but its last ack was " + lastAcked + ", " + context);
                }
            }
            assertNotNull(engine.partition(CrashingAppender.TOPIC, 0));
            System.out.println("verified " + total + " records (" + acked.size() + " acknowledged) after round "
                    + rounds);
        }
    }
}
