package io.fjord.log;

import io.fjord.log.io.OffsetCheckpointFile;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.simdisk.CrashImage;
import io.fjord.log.simdisk.PowerLossDisk;
import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power loss at thousands of crash points, on a {@link PowerLossDisk}: unlike {@code kill -9},
 * which keeps the page cache, everything not fsynced may be lost, kept, or torn. Each seeded
 * workload appends (in bursts, group-committed) to {@code durability=sync} and default topics
 * with tiny segments (rolls, index entries), creates and deletes topics, deletes records,
 * enforces size retention, compacts, flushes, checkpoints and restarts the engine cleanly, and
 * closes it at the end. At crash points sampled across the whole run the disk computes what would
 * survive; an engine is then opened on each such image and checked:
 * <ul>
 *   <li>(a) every append to a {@code durability=sync} topic acknowledged before the crash, and
 *       every record below the log end of a {@code flush()} or a clean close that returned before
 *       it, in any mode, is readable at its offset with its bytes (unless a DeleteRecords
 *       requested before the crash covers it);</li>
 *   <li>(b) in every mode the engine opens, and every partition is a consistent prefix: batches
 *       CRC-valid and contiguous from the log start to the log end (increasing on compacted
 *       topics), every record the one appended at that offset, offset and time index lookups
 *       landing on the right batch and record; topics (and added partitions) either wholly there or
 *       absent, present if created and not being deleted, absent if deleted or never begun; the
 *       recovery-point checkpoint readable and never past the log end; no producer id handed out
 *       before the crash handed out again.</li>
 * </ul>
 * On a compacted topic offsets may have holes (the cleaner makes them), so recovery cannot tell
 * a lost unsynced segment tail from a cleaned one until the cleaner has recorded its bound
 * ({@code fjord-cleaned-below}): there the check is that what is served is what was appended,
 * in order, and that the last acknowledged record of every key of a sync topic is there or
 * superseded.
 * One image in {@value #RECOVERY_CRASH_ONE_IN} is recovered on a {@link PowerLossDisk} of its
 * own, which loses power again at a random point of that recovery (or of the checks and the close
 * after it); that second image gets the same checks, against the acknowledgements of the first.
 * A failure names the workload seed and the crash point; {@code -Dfjord.powerloss.seed=<seed>
 * -Dfjord.powerloss.point=<point>} replays exactly that one. {@code -Dfjord.powerloss.workloads}
 * (default {@value #DEFAULT_WORKLOADS}) and {@code -Dfjord.powerloss.points} (per workload,
 * default {@value #DEFAULT_POINTS_PER_WORKLOAD}) raise the count for a soak.
 */
class PowerLossTest {
    static final int DEFAULT_WORKLOADS = 40;
    static final int DEFAULT_POINTS_PER_WORKLOAD = 50;
    private static final int STEPS = 70;

    // Events the workload logs on the disk, in order with its operations.
    record TopicCreating(String name, int partitions) {
    }

    record TopicCreated(String name) {
    }

    record TopicDeleting(String name) {
    }

    record TopicDeleted(String name) {
    }

    record PartitionsAdding(String name, int total) {
    }

    record PartitionsAdded(String name, int total) {
    }

    record DeleteRecordsRequested(TopicPartition tp, long offset) {
    }

    /** A flush or a clean close returned: every offset of {@code tp} below {@code below} is durable. */
    record Durable(TopicPartition tp, long below) {
    }

    /** A producer id was handed out: none may be handed out again after a crash. */
    record ProducerIdAllocated(long id) {
    }

    /** An acknowledged append: offsets {@code [base, last]} of {@code tp}. */
    record Ack(TopicPartition tp, long base, long last) {
    }

    record Appended(String key, String value, long timestampMs) {
    }

    /** What a workload did, to check every image against. */
    static final class Run {
        final Map<String, TopicConfig> configs = new HashMap<>();
        final Map<TopicPartition, Map<Long, Appended>> appended = new HashMap<>();
        final List<Object> events;
        final List<CrashImage> images;
        final List<String> trace;

        Run(List<Object> events, List<CrashImage> images, List<String> trace) {
            this.events = events;
            this.images = images;
            this.trace = trace;
        }
    }

    @Test
    void everyCrashPointReopensToAConsistentPrefixAndKeepsEverySyncAcknowledgement() throws Exception {
        String replaySeed = System.getProperty("fjord.powerloss.seed");
        String replayPoint = System.getProperty("fjord.powerloss.point");
        Path base = scratchBase();
        if (replaySeed != null && replayPoint != null) {
            long point = Long.parseLong(replayPoint.trim());
            runAndCheck(base, Long.parseLong(replaySeed.trim()), p -> p == point, true);
            return;
        }
        long seed = TestSeeds.seed("PowerLossTest");
        int workloads = Integer.getInteger("fjord.powerloss.workloads", DEFAULT_WORKLOADS);
        int points = Integer.getInteger("fjord.powerloss.points", DEFAULT_POINTS_PER_WORKLOAD);
        Random seeds = new Random(seed);
        long checked = 0;
        for (int w = 0; w < workloads; w++) {
            long workloadSeed = seeds.nextLong();
            Reservoir reservoir = new Reservoir(points, workloadSeed);
            checked += runAndCheck(base, workloadSeed, reservoir, false);
        }
        System.out.println("PowerLossTest: " + checked + " crash images checked over " + workloads + " workloads, and "
                + recoveryImagesChecked + " more of a second crash during the recovery of one");
        assertTrue(checked >= workloads, "too few images were checked: " + checked);
    }

    /** Keeps a uniform sample of {@code size} crash points of a run whose length is not known in advance. */
    static final class Reservoir implements PowerLossDisk.CrashPoints {
        private final long[] kept;
        private final Random random;
        private int seen;

        Reservoir(int size, long seed) {
            this.kept = new long[size];
            this.random = new Random(seed ^ 0x5DEECE66DL);
        }

        @Override
        public boolean captureAt(long point) {
            int index = seen++;
            if (index < kept.length) {
                kept[index] = point;
                return true;
            }
            long slot = random.nextInt(index + 1);
            if (slot < kept.length) {
                kept[(int) slot] = point;
                return true;
            }
            return false;
        }

        boolean keeps(long point) {
            for (int i = 0; i < Math.min(seen, kept.length); i++) {
                if (kept[i] == point) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Runs one workload and checks its images; returns the number checked. */
    private int runAndCheck(Path base, long workloadSeed, PowerLossDisk.CrashPoints points, boolean replay)
            throws Exception {
        Path root = Files.createTempDirectory(base, "powerloss-");
        try {
            Files.createDirectory(root.resolve("data"));
            PowerLossDisk disk = new PowerLossDisk(root, workloadSeed, points);
            long t0 = System.nanoTime();
            Run run = runWorkload(disk, workloadSeed);
            long t1 = System.nanoTime();
            List<CrashImage> images = new ArrayList<>();
            for (CrashImage image : run.images) {
                if (replay || !(points instanceof Reservoir reservoir) || reservoir.keeps(image.point())
                        || image.lostOperation().equals("(end)")) {
                    images.add(image);
                }
            }
            for (CrashImage image : images) {
                check(base, image, run);
            }
            if (Boolean.getBoolean("fjord.powerloss.timing")) {
                System.out.println("workload " + (t1 - t0) / 1_000_000 + " ms (" + run.trace.size() + " ops, "
                        + run.images.size() + " images taken), " + images.size() + " checks "
                        + (System.nanoTime() - t1) / 1_000_000 + " ms");
            }
            return images.size();
        } finally {
            deleteRecursively(root);
        }
    }

    // -------------------------------------------------------------------------------------------
    // The workload

    private static TopicConfig smallSegments(Random random, boolean sync) {
        Map<String, String> config = new TreeMap<>();
        config.put(TopicConfig.SEGMENT_BYTES, Integer.toString(600 + random.nextInt(600)));
        config.put(TopicConfig.SEGMENT_INDEX_BYTES, "480"); // whole offset (8) and time (12) entries
        config.put(TopicConfig.INDEX_INTERVAL_BYTES, Integer.toString(1 + random.nextInt(150)));
        config.put(TopicConfig.FILE_DELETE_DELAY_MS, random.nextBoolean() ? "0" : "60000");
        if (sync) {
            config.put(TopicConfig.DURABILITY, "sync");
        }
        return TopicConfig.of(config);
    }

    private static EngineConfig.Builder engineConfig(Path dataDir) {
        return EngineConfig.builder(dataDir).writerThreads(1).recoveryThreads(1).cleanerThreads(1)
                .cleanerDedupeBufferBytes(1024 * 1024).cleanerIoBufferBytes(64 * 1024);
    }

    private Run runWorkload(PowerLossDisk disk, long seed) throws Exception {
        Random random = new Random(seed);
        EngineConfig.Builder builder = engineConfig(disk.path("data"));
        if (random.nextBoolean()) {
            // Few descriptors and index mappings: segments are closed and reopened by name, and
            // indexes unmapped and mapped again, between their writes and their fsyncs.
            builder.maxOpenFiles(1 + random.nextInt(4)).maxMappedSegments(1 + random.nextInt(3));
        }
        EngineConfig config = builder.build();
        Map<String, TopicConfig> configs = new HashMap<>();
        Map<TopicPartition, Map<Long, Appended>> appended = new HashMap<>();
        List<String> live = new ArrayList<>();
        long[] clock = {System.currentTimeMillis()};
        int[] names = {0};
        LogEngine engine = LogEngine.open(config);
        try {
            createTopic(engine, disk, "sync" + names[0]++, 1 + random.nextInt(2), smallSegments(random, true), configs,
                    live);
            createTopic(engine, disk, "os" + names[0]++, 1, smallSegments(random, false), configs, live);
            TopicConfig compacted = smallSegments(random, random.nextBoolean())
                    .with(TopicConfig.CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT)
                    .with(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.01");
            createTopic(engine, disk, "compact" + names[0]++, 1, compacted, configs, live);
            for (int step = 0; step < STEPS; step++) {
                int action = random.nextInt(100);
                if (action < 60 && !live.isEmpty()) {
                    appendBurst(engine, disk, random, live, configs, appended, clock);
                } else if (action < 65) {
                    TopicConfig topicConfig = smallSegments(random, random.nextBoolean());
                    if (random.nextInt(3) == 0) {
                        topicConfig = topicConfig.with(TopicConfig.RETENTION_BYTES, Integer.toString(300 + random.nextInt(600)));
                    }
                    createTopic(engine, disk, "t" + names[0]++, 1 + random.nextInt(3), topicConfig, configs, live);
                } else if (action < 69 && live.size() > 1) {
                    String name = live.remove(random.nextInt(live.size()));
                    disk.record(new TopicDeleting(name));
                    engine.deleteTopic(name);
                    disk.record(new TopicDeleted(name));
                } else if (action < 73 && !live.isEmpty()) {
                    Partition partition = randomPartition(engine, random, live);
                    long end = partition.latestOffset();
                    long start = partition.earliestOffset();
                    long offset = start + (end > start ? random.nextInt((int) (end - start) + 1) : 0);
                    disk.record(new DeleteRecordsRequested(partition.topicPartition(), offset));
                    partition.deleteRecords(offset);
                } else if (action < 78) {
                    engine.enforceRetention();
                } else if (action < 83) {
                    engine.cleanLogsNow();
                } else if (action < 88 && !live.isEmpty()) {
                    Partition partition = randomPartition(engine, random, live);
                    long end = partition.latestOffset();
                    partition.flush();
                    disk.record(new Durable(partition.topicPartition(), end));
                } else if (action < 91) {
                    engine.checkpoint();
                } else if (action < 93 && !live.isEmpty()) {
                    String topic = live.get(random.nextInt(live.size()));
                    int total = engine.partitionCount(topic) + 1 + random.nextInt(2);
                    disk.record(new PartitionsAdding(topic, total));
                    engine.createPartitions(topic, total);
                    disk.record(new PartitionsAdded(topic, total));
                } else if (action < 96) {
                    closeCleanly(engine, disk, live); // a clean restart: loading, index trimming, the marker
                    engine = LogEngine.open(config);
                } else {
                    disk.record(new ProducerIdAllocated(engine.allocateProducerId()));
                }
            }
        } finally {
            closeCleanly(engine, disk, live);
        }
        disk.crashNow();
        Run run = new Run(disk.events(), disk.images(), disk.trace());
        run.configs.putAll(configs);
        run.appended.putAll(appended);
        return run;
    }

    /** Closes the engine; once that returns, everything appended is durable. */
    private static void closeCleanly(LogEngine engine, PowerLossDisk disk, List<String> live) {
        if (engine.isClosed()) {
            return;
        }
        List<Durable> ends = new ArrayList<>();
        for (String topic : live) {
            for (Partition partition : engine.partitions(topic)) {
                ends.add(new Durable(partition.topicPartition(), partition.latestOffset()));
            }
        }
        engine.close();
        ends.forEach(disk::record);
    }

    private static void createTopic(LogEngine engine, PowerLossDisk disk, String name, int partitions,
                                    TopicConfig topicConfig, Map<String, TopicConfig> configs, List<String> live) {
        configs.put(name, topicConfig);
        disk.record(new TopicCreating(name, partitions));
        engine.createTopic(name, partitions, topicConfig);
        disk.record(new TopicCreated(name));
        live.add(name);
    }

    private static Partition randomPartition(LogEngine engine, Random random, List<String> live) {
        String topic = live.get(random.nextInt(live.size()));
        return engine.partition(topic, random.nextInt(engine.partitionCount(topic)));
    }

    /** One to four appends in flight at once (so a group commit may cover several), then waits for all. */
    private static void appendBurst(LogEngine engine, PowerLossDisk disk, Random random, List<String> live,
                                    Map<String, TopicConfig> configs, Map<TopicPartition, Map<Long, Appended>> appended,
                                    long[] clock) throws InterruptedException {
        int appends = 1 + random.nextInt(4);
        CountDownLatch done = new CountDownLatch(appends);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < appends; i++) {
            Partition partition = randomPartition(engine, random, live);
            boolean compacted = configs.get(partition.topicPartition().topic()).compact();
            int records = 1 + random.nextInt(5);
            RecordBatchBuilder builder = new RecordBatchBuilder(512);
            List<Appended> batch = new ArrayList<>();
            for (int r = 0; r < records; r++) {
                String key = compacted ? "k" + random.nextInt(6) : random.nextBoolean() ? null : "k" + random.nextInt(100);
                StringBuilder value = new StringBuilder("v").append(random.nextLong());
                for (int pad = random.nextInt(40); pad > 0; pad--) {
                    value.append((char) ('a' + random.nextInt(26)));
                }
                Appended record = new Appended(key, value.toString(), ++clock[0]);
                builder.append(record.timestampMs(), bytes(key), bytes(record.value()));
                batch.add(record);
            }
            ByteBuffer built = builder.build();
            ByteBuffer copy = ByteBuffer.allocate(built.remaining()).put(built).flip();
            TopicPartition tp = partition.topicPartition();
            partition.appendBatchAsync(copy, (baseOffset, lastOffset, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else {
                    synchronized (appended) {
                        Map<Long, Appended> offsets = appended.computeIfAbsent(tp, k -> new HashMap<>());
                        for (int r = 0; r < batch.size(); r++) {
                            offsets.put(baseOffset + r, batch.get(r));
                        }
                    }
                    disk.record(new Ack(tp, baseOffset, lastOffset));
                }
                done.countDown();
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "appends did not complete");
        if (failure.get() != null) {
            throw new AssertionError("an append failed on a disk that does not fail", failure.get());
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    // -------------------------------------------------------------------------------------------
    // The checks

    private void check(Path base, CrashImage image, Run run) throws IOException {
        String where = image + ": replay with -Dfjord.powerloss.seed=" + image.seed() + " -Dfjord.powerloss.point="
                + image.point();
        // One image in RECOVERY_CRASH_ONE_IN is itself recovered on a PowerLossDisk, and power is
        // lost again at a random point of that recovery (or of the checks and close after it).
        boolean crashRecovery = new Random(image.seed() * 31 + image.point()).nextInt(RECOVERY_CRASH_ONE_IN) == 0;
        check(base, image, run.events.subList(0, image.eventCount()), run, where, crashRecovery);
    }

    /** One crash image in this many is recovered on a simulated disk that loses power again during recovery. */
    private static final int RECOVERY_CRASH_ONE_IN = 4;
    /** Images of a crash during recovery checked so far. */
    private long recoveryImagesChecked;

    private void check(Path base, CrashImage image, List<Object> before, Run run, String where, boolean crashRecovery)
            throws IOException {
        Path dir = Files.createTempDirectory(base, "image-");
        try {
            image.writeTo(dir);
            Path data = dir.resolve("data");
            Map<TopicPartition, Long> recoveryPoints = Map.of();
            if (Files.exists(data.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT))) {
                recoveryPoints = new OffsetCheckpointFile(data.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT)).read();
            }
            Reservoir again = new Reservoir(1, image.seed() ^ image.point());
            PowerLossDisk recoveryDisk = crashRecovery ? new PowerLossDisk(dir, image.seed() ^ (image.point() << 20), again)
                    : null;
            LogEngine engine;
            try {
                engine = LogEngine.open(engineConfig(crashRecovery ? recoveryDisk.path("data") : data).build());
            } catch (RuntimeException e) {
                throw new AssertionError(where + ": the engine does not open: " + e, e);
            }
            try {
                PowerLossInvariants.checkTopics(engine, before, run, where);
                PowerLossInvariants.checkProducerIds(engine, before, where);
                Map<TopicPartition, Map<Long, String>> keysRead = new HashMap<>();
                for (String topic : engine.topics()) {
                    for (Partition partition : engine.partitions(topic)) {
                        keysRead.put(partition.topicPartition(), PowerLossInvariants.checkPartition(partition, run, where));
                        Long checkpointed = recoveryPoints.get(partition.topicPartition());
                        if (checkpointed != null) {
                            assertTrue(checkpointed <= partition.latestOffset(), where + ": " + partition.topicPartition()
                                    + " recovery point checkpoint " + checkpointed + " is past the log end "
                                    + partition.latestOffset());
                        }
                    }
                }
                PowerLossInvariants.checkPromises(engine, before, run, keysRead, where);
            } finally {
                engine.close();
            }
            if (crashRecovery) {
                for (CrashImage second : recoveryDisk.images()) {
                    if (again.keeps(second.point())) {
                        recoveryImagesChecked++;
                        check(base, second, before, run, where + ", then during its recovery " + second, false);
                    }
                }
            }
        } catch (AssertionError | RuntimeException e) {
            System.out.println("PowerLossTest FAILED at " + where + "; the image:");
            for (String d : image.directories()) {
                System.out.println("  " + d + "/");
            }
            image.files().forEach((name, content) -> System.out.println("  " + name + " (" + content.length + " bytes)"));
            String traced = System.getProperty("fjord.powerloss.trace");
            if (traced != null && !where.contains("during its recovery")) {
                for (int i = 0; i < image.point() && i < run.trace.size(); i++) {
                    if (run.trace.get(i).contains(traced)) {
                        System.out.println("  op " + i + ": " + run.trace.get(i));
                    }
                }
            }
            System.out.println("events before the crash: " + run.events.subList(0, image.eventCount()).stream()
                    .filter(event -> !(event instanceof Ack)).toList());
            throw e;
        } finally {
            deleteRecursively(dir);
        }
    }

    // -------------------------------------------------------------------------------------------

    /** A tmpfs when there is one: the runs are in memory. */
    private static Path scratchBase() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
