package io.fjord.log;

import io.fjord.log.cleaner.LogCleaner;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.io.AtomicFiles;
import io.fjord.log.io.IoFailures;
import io.fjord.log.io.CachingFileIo;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.ResourceCache;
import io.fjord.log.io.OffsetCheckpointFile;
import io.fjord.log.partition.PartitionLog;
import io.fjord.log.producer.ProducerIdAllocator;
import io.fjord.log.producer.ProducerStateManager;
import io.fjord.log.segment.LogSegment;
import io.fjord.log.writer.WriterPool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Fjord's embedded entry point: a data directory of topics, each a set of partition logs in
 * Kafka's on-disk format.
 * <pre>{@code
 * try (LogEngine engine = LogEngine.open(Path.of("data"))) {
 *     engine.createTopic("orders", 8, TopicConfig.defaults());
 *     long offset = engine.partition("orders", 0).append(key, value, System.currentTimeMillis());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Appends go to one writer thread per partition (a few writer threads share the
 * partitions); reads are lock-free; a scheduler thread runs retention, timed flushes and
 * checkpoints. {@link #close()} writes a clean-shutdown marker so the next open skips recovery.
 */
public final class LogEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogEngine.class.getName());

    /** Kafka's names, so Fjord and Kafka can open each other's log directories. */
    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    public static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_CHECKPOINT = "log-start-offset-checkpoint";
    public static final String META_PROPERTIES = "meta.properties";
    public static final String LOCK_FILE = ".lock";
    /** Suffix of a partition directory whose topic is being deleted. */
    static final String DELETE_DIR_SUFFIX = "-delete";

    private final EngineConfig config;
    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final TopicMetadataFiles metadataFiles;
    private final TopicLeftovers leftovers;
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStarts;
    private final WriterPool writers;
    private final ScheduledThreadPoolExecutor scheduler;
    private final LogCleaner cleaner;
    private final EngineMetrics metrics = new EngineMetrics();
    /** Log-segment descriptors, bounded by {@link EngineConfig#maxOpenFiles()}. */
    private final ResourceCache logFiles;
    /** Segments' index mappings, bounded by {@link EngineConfig#maxMappedSegments()}. */
    private final ResourceCache indexMappings;
    /** How segments open their log files: through {@link #logFiles}. */
    private final FileIo segmentIo;
    private GroupCoordinator groupCoordinator;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Set<LogSegment> retiring = ConcurrentHashMap.newKeySet();
    private final Object adminLock = new Object();
    private final List<AppendListener> appendListeners = new CopyOnWriteArrayList<>();
    private final AppendListener appendDispatcher = this::dispatchAppend;
    private ProducerIdAllocator producerIds;
    private volatile boolean closed;

    /** A topic's own configs and its partitions; the array is replaced whole when partitions are added. */
    private static final class Topic {
        final String name;
        volatile TopicConfig ownConfig;
        volatile Partition[] partitions;

        Topic(String name, TopicConfig ownConfig, Partition[] partitions) {
            this.name = name;
            this.ownConfig = ownConfig;
            this.partitions = partitions;
        }
    }

    private LogEngine(EngineConfig config, FileChannel lockChannel, FileLock lock) throws IOException {
        this.config = config;
        this.dataDir = config.dataDir();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.metadataFiles = new TopicMetadataFiles(dataDir);
        this.leftovers = new TopicLeftovers(dataDir, metadataFiles, metrics);
        this.recoveryPoints = new OffsetCheckpointFile(dataDir.resolve(RECOVERY_POINT_CHECKPOINT));
        this.logStarts = new OffsetCheckpointFile(dataDir.resolve(LOG_START_CHECKPOINT));
        this.logFiles = new ResourceCache(config.maxOpenFiles());
        this.indexMappings = new ResourceCache(config.maxMappedSegments());
        this.segmentIo = config.maxOpenFiles() == ResourceCache.UNBOUNDED
                && config.maxMappedSegments() == ResourceCache.UNBOUNDED ? config.fileIo()
                : new CachingFileIo(logFiles, config.fileIo(),
                        config.maxMappedSegments() == ResourceCache.UNBOUNDED ? null : indexMappings);
        this.writers = new WriterPool(config.writerThreads(), config.writerQueueCapacity(), config.appendTimeoutMs(),
                new StorageHealth(dataDir, metrics));
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fjord-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.cleaner = new LogCleaner(config, this::allLogs);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    public static LogEngine open(Path dataDir) {
        return open(EngineConfig.builder(dataDir).build());
    }

    /**
     * Opens the data directory, creating it if needed, and loads every topic. After an unclean
     * shutdown each partition is recovered from its recovery point (see {@link PartitionLog}).
     *
     * @throws LogStorageException when the directory cannot be used (locked by another engine,
     *                             unreadable, malformed metadata)
     */
    public static LogEngine open(EngineConfig config) {
        Path dataDir = config.dataDir();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dataDir);
            lockChannel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new LogStorageException("Data directory " + dataDir + " is in use by another LogEngine");
            }
            LogEngine engine = new LogEngine(config, lockChannel, lock);
            try {
                engine.load();
            } catch (IOException | RuntimeException e) {
                engine.abandon();
                throw e;
            }
            return engine;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new LogStorageException("Cannot open data directory " + dataDir + ": " + IoFailures.describe(e, dataDir), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private void load() throws IOException {
        writeMetaPropertiesIfMissing();
        producerIds = new ProducerIdAllocator(dataDir);
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_FILE);
        boolean cleanShutdown = Files.exists(marker);
        // Until the next clean close, a crash must be treated as unclean.
        AtomicFiles.deleteDurably(marker);
        Map<TopicPartition, Long> recovery = readCheckpointOrEmpty(recoveryPoints);
        Map<TopicPartition, Long> starts = readCheckpointOrEmpty(logStarts);

        deleteLeftoverDeleteDirectories();
        leftovers.removeUnfinishedCreations(); // first: their directories are not Kafka's to adopt
        Map<String, Integer> adopted = partitionDirectoriesWithoutMetadata();
        for (Map.Entry<String, Integer> entry : adopted.entrySet()) {
            LOG.log(System.Logger.Level.INFO, "Adopting topic {0} ({1} partitions) found without metadata",
                    entry.getKey(), entry.getValue());
            metadataFiles.write(new TopicMetadataFiles.Stored(entry.getKey(), entry.getValue(), TopicConfig.defaults(),
                    false));
        }
        List<TopicMetadataFiles.Stored> storedTopics = metadataFiles.readAll();
        Map<String, Integer> committedCounts = new HashMap<>();
        for (TopicMetadataFiles.Stored stored : storedTopics) {
            if (stored.deleting()) {
                leftovers.finishDeletion(stored.name());
            } else {
                committedCounts.put(stored.name(), stored.partitions());
            }
        }
        leftovers.removeStrayPartitions(committedCounts);
        // Partitions load on num.recovery.threads.per.data.dir threads (Kafka's setting): loading is
        // mostly small system calls per partition, and 10,000 of them one after another were most
        // of a restart.
        ThreadPoolExecutor loaders = new ThreadPoolExecutor(config.recoveryThreads(), config.recoveryThreads(), 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "fjord-log-loader");
                    thread.setDaemon(true);
                    return thread;
                });
        Map<TopicMetadataFiles.Stored, List<Future<PartitionLog>>> loading = new LinkedHashMap<>();
        try {
            for (TopicMetadataFiles.Stored stored : storedTopics) {
                if (stored.deleting()) {
                    continue;
                }
                TopicConfig effective = config.topicDefaults().overriddenBy(stored.config());
                List<Future<PartitionLog>> logs = new ArrayList<>(stored.partitions());
                for (int p = 0; p < stored.partitions(); p++) {
                    TopicPartition tp = new TopicPartition(stored.name(), p);
                    // May have been compacted by a version that kept no cleaned-offset bound: Kafka's
                    // directories, and partitions with a cleaner checkpoint (see PartitionLog.open).
                    boolean mayHaveBeenCleaned = adopted.containsKey(stored.name()) || cleaner.firstDirtyOffset(tp) > 0;
                    logs.add(loaders.submit(() -> PartitionLog.open(dataDir.resolve(tp.directoryName()), tp,
                            effective, recovery.getOrDefault(tp, 0L), starts.getOrDefault(tp, 0L), cleanShutdown,
                            segmentIo, config.clock(), this::retire, config.maxDecompressedBatchBytes(),
                            mayHaveBeenCleaned, metrics)));
                }
                loading.put(stored, logs);
            }
            for (Map.Entry<TopicMetadataFiles.Stored, List<Future<PartitionLog>>> entry : loading.entrySet()) {
                Partition[] partitions = new Partition[entry.getValue().size()];
                for (int p = 0; p < partitions.length; p++) {
                    PartitionLog log = loaded(entry.getValue().get(p));
                    log.appendListener(appendDispatcher);
                    partitions[p] = new Partition(this, log, writers);
                }
                TopicMetadataFiles.Stored stored = entry.getKey();
                topics.put(stored.name(), new Topic(stored.name(), stored.config(), partitions));
            }
        } catch (IOException | RuntimeException | Error e) {
            // Loads not started yet are cancelled; the ones under way finish (not interrupted: an
            // interrupt closes a channel mid-load and can leave its segment's other files open),
            // so that closeUnclaimed can close what they opened.
            List<Runnable> notStarted = new ArrayList<>();
            loaders.getQueue().drainTo(notStarted);
            for (Runnable load : notStarted) {
                ((Future<?>) load).cancel(false);
            }
            loaders.shutdown();
            closeUnclaimed(loading);
            throw e;
        } finally {
            loaders.shutdownNow();
        }
        writeCheckpoints();
        schedule(this::enforceRetention, config.retentionCheckIntervalMs());
        schedule(this::flushOnTimers, config.flushCheckIntervalMs());
        schedule(this::checkpoint, config.checkpointIntervalMs());
        schedule(this::expireProducers, PRODUCER_EXPIRATION_CHECK_INTERVAL_MS);
        cleaner.start();
    }

    /**
     * After a failed load: closes the logs that loaded but belong to no registered topic (the
     * failing topic's other partitions and every later topic's), which {@link #abandon()} cannot
     * reach, so a refused open leaves no descriptor or mapping behind.
     */
    private void closeUnclaimed(Map<TopicMetadataFiles.Stored, List<Future<PartitionLog>>> loading) {
        for (Map.Entry<TopicMetadataFiles.Stored, List<Future<PartitionLog>>> entry : loading.entrySet()) {
            if (topics.containsKey(entry.getKey().name())) {
                continue; // abandon() closes it
            }
            for (Future<PartitionLog> future : entry.getValue()) {
                try {
                    loaded(future).close();
                } catch (IOException | RuntimeException e) {
                    // Failed, cancelled before it started, or failed to close: nothing more of it to release.
                }
            }
        }
    }

    /** The loaded log, or the loader's failure as it was thrown. */
    private static PartitionLog loaded(Future<PartitionLog> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogStorageException("Interrupted while loading partitions", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new LogStorageException("Loading a partition failed: " + cause, cause);
        }
    }

    /** Kafka's {@code producer.id.expiration.check.interval.ms}. */
    static final long PRODUCER_EXPIRATION_CHECK_INTERVAL_MS = 600_000;

    private void expireProducers() {
        long nowMs = config.clock().nowMs();
        for (PartitionLog log : allLogs()) {
            log.producerState().removeExpired(nowMs, ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS);
        }
    }

    /** Registers a listener told of every append (e.g. to complete waiting fetches). */
    public void addAppendListener(AppendListener listener) {
        appendListeners.add(listener);
    }

    public void removeAppendListener(AppendListener listener) {
        appendListeners.remove(listener);
    }

    private void dispatchAppend(TopicPartition topicPartition, long logEndOffset) {
        for (AppendListener listener : appendListeners) {
            listener.onAppend(topicPartition, logEndOffset);
        }
    }

    /** A producer id never handed out before, for an idempotent producer (Kafka's InitProducerId). */
    public long allocateProducerId() {
        ensureOpen();
        try {
            return producerIds.allocate();
        } catch (IOException e) {
            throw new LogStorageException("Cannot persist the producer id block: " + e.getMessage(), e);
        }
    }

    private void writeMetaPropertiesIfMissing() throws IOException {
        Path meta = dataDir.resolve(META_PROPERTIES);
        if (!Files.exists(meta)) {
            AtomicFiles.write(meta, "#Written by Fjord\nversion=1\ncluster.id=" + newClusterId() + "\nnode.id=1\n");
        }
    }

    /**
     * 16 random bytes in URL-safe base64 without padding, Kafka's cluster id format, never starting
     * with '-' (Kafka avoids those: they read as options on a command line). A cluster id must be
     * unique, not secret, so it comes from ThreadLocalRandom: UUID.randomUUID would initialise
     * SecureRandom and the security providers, 10-20 ms on a fresh data directory's start path.
     */
    static String newClusterId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id;
        do {
            byte[] bytes = java.nio.ByteBuffer.allocate(16).putLong(random.nextLong()).putLong(random.nextLong()).array();
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    private Map<TopicPartition, Long> readCheckpointOrEmpty(OffsetCheckpointFile file) {
        try {
            return file.read();
        } catch (IOException e) {
            // Both checkpoints are hints: without them every partition is recovered from offset 0
            // and starts at its first segment. Safe, only slower.
            LOG.log(System.Logger.Level.WARNING, "Ignoring unreadable checkpoint: {0}", e.getMessage());
            return Map.of();
        }
    }

    private void deleteLeftoverDeleteDirectories() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry) && entry.getFileName().toString().endsWith(DELETE_DIR_SUFFIX)) {
                    deleteRecursively(entry);
                }
            }
        }
    }

    /** Partition directories (e.g. from a Kafka log dir) whose topic has no metadata file. */
    private Map<String, Integer> partitionDirectoriesWithoutMetadata() throws IOException {
        Set<String> known = new TreeSet<>();
        for (TopicMetadataFiles.Stored stored : metadataFiles.readAll()) {
            known.add(stored.name());
        }
        Map<String, Integer> found = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                TopicPartition tp = TopicPartition.parseDirectoryName(entry.getFileName().toString());
                if (tp != null && Files.isDirectory(entry) && !known.contains(tp.topic())) {
                    found.merge(tp.topic(), tp.partition() + 1, Math::max);
                }
            }
        }
        return found;
    }

    private void schedule(Runnable task, long intervalMs) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A periodic task that throws is cancelled for good: log and keep it alive.
                LOG.log(System.Logger.Level.WARNING, "Background task failed", e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    public EngineConfig config() {
        return config;
    }

    /** The bounded set of open log-segment descriptors ({@link EngineConfig#maxOpenFiles()}). */
    public ResourceCache logFileCache() {
        return logFiles;
    }

    /** The bounded set of segments with mapped indexes ({@link EngineConfig#maxMappedSegments()}). */
    public ResourceCache indexMappingCache() {
        return indexMappings;
    }

    /** The engine's health counters: faults an operator must know about. */
    public EngineMetrics metrics() {
        return metrics;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates a topic with the given partition count and its own configs (unset ones use the defaults).
     * All partitions or none: the topic's metadata file, its commit marker, is written (durably) only
     * after every partition exists; a failure part way closes and deletes what was made and throws,
     * and a crash part way leaves a creation intent that the next open cleans up ({@link TopicLeftovers}).
     *
     * @throws LogStorageException the files could not be created (e.g. too many open files, a full
     *                             disk); the topic does not exist and may be created again
     */
    public void createTopic(String name, int partitions, TopicConfig topicConfig) {
        ensureOpen();
        TopicNames.validate(name);
        checkPartitionCount(name, partitions);
        synchronized (adminLock) {
            ensureOpen();
            if (topics.containsKey(name)) {
                throw new TopicExistsException("Topic '" + name + "' already exists");
            }
            DescriptorHeadroom.check(name, partitions, logFiles, metrics);
            TopicConfig effective = config.topicDefaults().overriddenBy(topicConfig);
            Partition[] created = null;
            try {
                metadataFiles.writeCreationIntent(name);
                created = openPartitions(name, 0, partitions, effective, null);
                AtomicFiles.fsyncDirectory(dataDir); // the directories exist before the marker says so
                metadataFiles.write(new TopicMetadataFiles.Stored(name, partitions, topicConfig, false));
            } catch (IOException | RuntimeException e) {
                metrics.failedTopicCreation();
                undoCreation(name, partitions, created, e);
                if (e instanceof FjordException fjord) {
                    throw fjord;
                }
                throw new LogStorageException("Cannot create topic '" + name + "' with " + partitions
                        + " partitions, nothing was created: " + e.getMessage(), e);
            }
            try {
                metadataFiles.deleteCreationIntent(name);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Topic {0} is created; its creation intent stays until the next"
                        + " start: {1}", name, e.getMessage());
            }
            topics.put(name, new Topic(name, topicConfig, created));
        }
    }

    /**
     * After a failed creation: the marker (if its write got that far), the directories, then the
     * intent, in that order, so that a failure here leaves the intent for the next open to finish.
     */
    private void undoCreation(String name, int partitions, Partition[] created, Exception cause) {
        try {
            if (created != null) {
                discardPartitions(name, 0, partitions, created);
            }
            metadataFiles.delete(name);
            metadataFiles.deleteCreationIntent(name);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.log(System.Logger.Level.WARNING, "Cleaning up the failed creation of topic {0} failed too ({1}); the"
                    + " next start removes its leftovers", name, e.toString());
        }
        LOG.log(System.Logger.Level.WARNING, "Creating topic {0} ({1} partitions) failed; nothing was kept: {2}", name,
                partitions, cause.toString());
    }

    /** Closes and deletes partitions {@code [from, to)}: the opened ones in {@code opened}, and any directory. */
    private void discardPartitions(String name, int from, int to, Partition[] opened) throws IOException {
        IOException failure = null;
        for (int p = from; p < to; p++) {
            try {
                if (opened != null && opened[p] != null) {
                    opened[p].log().closeAndDeleteFiles();
                    opened[p] = null;
                }
                deleteRecursively(dataDir.resolve(new TopicPartition(name, p).directoryName()));
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, TopicConfig.defaults());
    }

    /**
     * Opens new partitions {@code [from, to)}. All or none: when one fails, those opened so far are
     * closed and every directory of the range is deleted before the failure is rethrown.
     */
    private Partition[] openPartitions(String name, int from, int to, TopicConfig effective, Partition[] existing)
            throws IOException {
        Partition[] result = new Partition[to];
        if (existing != null) {
            System.arraycopy(existing, 0, result, 0, existing.length);
        }
        try {
            for (int p = from; p < to; p++) {
                TopicPartition tp = new TopicPartition(name, p);
                Path dir = dataDir.resolve(tp.directoryName());
                if (Files.exists(dir)) {
                    deleteRecursively(dir); // a leftover of a crashed deletion of a same-named topic
                }
                PartitionLog log = PartitionLog.open(dir, tp, effective, 0, 0, true, segmentIo, config.clock(),
                        this::retire, config.maxDecompressedBatchBytes(), false, metrics);
                log.appendListener(appendDispatcher);
                result[p] = new Partition(this, log, writers);
            }
        } catch (IOException | RuntimeException e) {
            try {
                discardPartitions(name, from, to, result);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return result;
    }

    private void checkPartitionCount(String name, int partitions) {
        if (partitions < 1 || partitions > config.maxPartitionsPerTopic()) {
            throw new InvalidTopicException("Topic '" + name + "': partition count " + partitions + " is not in [1, "
                    + config.maxPartitionsPerTopic() + "] (maxPartitionsPerTopic)");
        }
    }

    /** Raises a topic's partition count (Kafka never lowers it). */
    public void createPartitions(String name, int newTotal) {
        ensureOpen();
        synchronized (adminLock) {
            Topic topic = topic(name);
            int current = topic.partitions.length;
            if (newTotal <= current) {
                throw new InvalidTopicException("Topic '" + name + "' has " + current
                        + " partitions; the new count must be larger, got " + newTotal);
            }
            checkPartitionCount(name, newTotal);
            Partition[] grown = null;
            DescriptorHeadroom.check(name, newTotal - current, logFiles, metrics);
            try {
                // The new count is the commit marker: written after the directories, which a start
                // finds stray (and deletes) while the count does not cover them.
                grown = openPartitions(name, current, newTotal, config.topicDefaults().overriddenBy(topic.ownConfig),
                        topic.partitions);
                AtomicFiles.fsyncDirectory(dataDir);
                metadataFiles.write(new TopicMetadataFiles.Stored(name, newTotal, topic.ownConfig, false));
            } catch (IOException | RuntimeException e) {
                metrics.failedTopicCreation();
                if (grown != null) {
                    try {
                        discardPartitions(name, current, newTotal, grown);
                    } catch (IOException | RuntimeException cleanup) {
                        e.addSuppressed(cleanup); // the directories stay stray until the next start
                    }
                }
                throw new LogStorageException("Cannot add partitions to '" + name + "' (it keeps its " + current
                        + "): " + e.getMessage(), e);
            }
            topic.partitions = grown;
        }
    }

    /** Replaces a topic's own configs; takes effect on the next append and retention pass. */
    public void alterTopicConfig(String name, TopicConfig topicConfig) {
        ensureOpen();
        synchronized (adminLock) {
            Topic topic = topic(name);
            try {
                metadataFiles.write(new TopicMetadataFiles.Stored(name, topic.partitions.length, topicConfig, false));
            } catch (IOException e) {
                throw new LogStorageException("Cannot alter configs of '" + name + "': " + e.getMessage(), e);
            }
            topic.ownConfig = topicConfig;
            TopicConfig effective = config.topicDefaults().overriddenBy(topicConfig);
            for (Partition partition : topic.partitions) {
                partition.log().updateConfig(effective);
            }
        }
    }

    /**
     * Deletes a topic and its data. Appends already queued finish first; later ones fail.
     * Crash-safe: the topic is marked deleting before any file goes.
     */
    public void deleteTopic(String name) {
        ensureOpen();
        synchronized (adminLock) {
            Topic topic = topic(name);
            Partition[] partitions = topic.partitions;
            try {
                metadataFiles.write(new TopicMetadataFiles.Stored(name, partitions.length, topic.ownConfig, true));
            } catch (IOException e) {
                throw new LogStorageException("Cannot delete topic '" + name + "', it is kept: " + e.getMessage(), e);
            }
            try {
                topics.remove(name);
                for (Partition partition : partitions) {
                    partition.log().markClosed();
                    writers.awaitQuiescence(partition.topicPartition());
                }
                IOException failure = null;
                for (Partition partition : partitions) {
                    try {
                        partition.log().closeAndDeleteFiles();
                    } catch (IOException e) {
                        // Go on: every partition gets closed; the marked topic is finished on the next start.
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
                if (failure != null) {
                    throw failure;
                }
                // The directories' removal is durable before the file that names the topic goes: a
                // directory without it would be adopted as a topic on the next start.
                AtomicFiles.fsyncDirectory(dataDir);
                metadataFiles.delete(name);
            } catch (IOException e) {
                throw new LogStorageException("Cannot delete topic '" + name + "' (it is gone; the next start removes"
                        + " what is left of its files): " + e.getMessage(), e);
            }
        }
    }

    public Set<String> topics() {
        return Collections.unmodifiableSet(new TreeSet<>(topics.keySet()));
    }

    public boolean topicExists(String name) {
        return topics.containsKey(name);
    }

    public int partitionCount(String name) {
        return topic(name).partitions.length;
    }

    /** The configs set on the topic itself (not the defaults). */
    public TopicConfig topicConfig(String name) {
        return topic(name).ownConfig;
    }

    /** The configs in force for the topic: its own over the engine's defaults. */
    public TopicConfig effectiveTopicConfig(String name) {
        return config.topicDefaults().overriddenBy(topic(name).ownConfig);
    }

    /** @throws UnknownTopicOrPartitionException when the topic or the partition does not exist */
    public Partition partition(String topicName, int partition) {
        ensureOpen();
        Partition[] partitions = topic(topicName).partitions;
        if (partition < 0 || partition >= partitions.length) {
            throw new UnknownTopicOrPartitionException("Topic '" + topicName + "' has no partition " + partition
                    + " (it has " + partitions.length + ")");
        }
        return partitions[partition];
    }

    public List<Partition> partitions(String topicName) {
        return List.of(topic(topicName).partitions);
    }

    private Topic topic(String name) {
        ensureOpen();
        Topic topic = name == null ? null : topics.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist");
        }
        return topic;
    }

    /**
     * Compacts every {@code cleanup.policy=compact} partition now, whatever its dirty ratio, on
     * the calling thread (the cleaner threads also do it when logs get dirty enough). Returns the
     * number of segments replaced by cleaned ones.
     */
    public int cleanLogsNow() {
        ensureOpen();
        return cleaner.cleanAllNow();
    }

    /**
     * The engine's consumer-group coordinator, started on first use (it creates and replays
     * {@code __consumer_offsets}). One per engine, so the broker and in-process clients share
     * groups and committed offsets; closed with the engine.
     */
    public GroupCoordinator groupCoordinator() {
        synchronized (adminLock) {
            ensureOpen();
            if (groupCoordinator == null) {
                groupCoordinator = GroupCoordinator.start(this, config.groupConfig());
            }
            return groupCoordinator;
        }
    }

    /** The log cleaner (compaction), e.g. to read its checkpoint or install a test hook. */
    public LogCleaner cleaner() {
        return cleaner;
    }

    /** Runs a retention pass now (it also runs every retention check interval). */
    public void enforceRetention() {
        long nowMs = config.clock().nowMs();
        for (PartitionLog log : allLogs()) {
            if (!log.isClosed()) {
                log.deleteRetiredSegments(nowMs);
            }
        }
    }

    private void flushOnTimers() {
        long nowMs = config.clock().nowMs();
        for (PartitionLog log : allLogs()) {
            if (!log.isClosed()) {
                log.maybeFlushOnTimer(nowMs);
            }
        }
    }

    /** Writes the recovery-point and log-start checkpoints now. */
    public void checkpoint() {
        try {
            writeCheckpoints();
        } catch (IOException e) {
            throw new LogStorageException("Cannot write checkpoints: " + e.getMessage(), e);
        }
    }

    private synchronized void writeCheckpoints() throws IOException {
        Map<TopicPartition, Long> recovery = new HashMap<>();
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (PartitionLog log : allLogs()) {
            recovery.put(log.topicPartition(), log.recoveryPoint());
            starts.put(log.topicPartition(), log.logStartOffset());
        }
        recoveryPoints.write(recovery);
        logStarts.write(starts);
    }

    private List<PartitionLog> allLogs() {
        List<PartitionLog> logs = new ArrayList<>();
        for (Topic topic : topics.values()) {
            for (Partition partition : topic.partitions) {
                logs.add(partition.log());
            }
        }
        return logs;
    }

    private void retire(LogSegment segment, long delayMs) {
        retiring.add(segment);
        Runnable delete = () -> {
            if (retiring.remove(segment)) {
                try {
                    segment.closeAndDelete();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not delete " + segment, e);
                }
            }
        };
        try {
            scheduler.schedule(delete, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            delete.run(); // shutting down: close() deletes whatever is left
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new EngineClosedException("LogEngine on " + dataDir + " is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Finishes queued appends, flushes and closes every log, writes the checkpoints and the
     * clean-shutdown marker, and releases the directory lock. Idempotent.
     */
    @Override
    public void close() {
        synchronized (adminLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        IOException failure = null;
        if (groupCoordinator != null) {
            groupCoordinator.close(); // answers waiting joins and syncs, stops its timers
        }
        writers.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (PartitionLog log : allLogs()) {
            log.markClosed(); // a running cleaning pass sees this between batches and stops
        }
        cleaner.close();
        for (LogSegment segment : new ArrayList<>(retiring)) {
            retiring.remove(segment);
            try {
                segment.closeAndDelete();
            } catch (IOException e) {
                failure = e;
            }
        }
        boolean allClosed = true;
        for (PartitionLog log : allLogs()) {
            try {
                log.close();
            } catch (IOException | RuntimeException e) {
                allClosed = false;
                LOG.log(System.Logger.Level.WARNING, "Closing " + log.topicPartition() + " failed", e);
            }
            if (log.isOffline()) {
                allClosed = false; // a failed rollback left its tail unknown: the next open must rescan it
            }
        }
        try {
            writeCheckpoints();
            if (allClosed) {
                AtomicFiles.createMarker(dataDir.resolve(CLEAN_SHUTDOWN_FILE));
            }
        } catch (IOException e) {
            failure = e;
        }
        releaseLock();
        if (failure != null) {
            throw new LogStorageException("Closing the engine on " + dataDir + " failed: " + failure.getMessage(),
                    failure);
        }
    }

    /** After a failed open: stop threads and close what was opened, leaving no marker. */
    private void abandon() {
        closed = true;
        writers.close();
        scheduler.shutdownNow();
        cleaner.close();
        for (PartitionLog log : allLogs()) {
            try {
                log.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Closing " + log.topicPartition() + " failed", e);
            }
        }
        releaseLock();
    }

    private void releaseLock() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Releasing the lock on " + dataDir + " failed", e);
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Closing a file failed", e);
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    deleteRecursively(entry);
                }
            }
        }
        Files.deleteIfExists(path);
    }
}
