package io.fjord.log;

import io.fjord.log.cleaner.LogCleaner;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.io.IoFailures;
import io.fjord.log.io.CachingFileIo;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.ResourceCache;
import io.fjord.log.partition.PartitionLog;
import io.fjord.log.producer.ProducerIdAllocator;
import io.fjord.log.writer.WriterPool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

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
 *
 * <p>The public face of the engine; the work is done by one part per concern:
 * {@link DataDirectory} (lock, meta.properties, clean-shutdown marker, checkpoints),
 * {@link TopicRegistry} (the topics and their crash-safe changes), {@link TopicLoader} (loading
 * them at open) and {@link MaintenanceScheduler} (retention, timed flushes, checkpoints, producer
 * expiry, deletion of retired segments).
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
    /** The lock, meta.properties, the clean-shutdown marker and the checkpoints. */
    private final DataDirectory directory;
    private final TopicMetadataFiles metadataFiles;
    private final WriterPool writers;
    /** Retention, timed flushes, checkpoints, producer expiry, deletion of retired segments. */
    private final MaintenanceScheduler maintenance;
    private final LogCleaner cleaner;
    private final EngineMetrics metrics = new EngineMetrics();
    /** Log-segment descriptors, bounded by {@link EngineConfig#maxOpenFiles()}. */
    private final ResourceCache logFiles;
    /** Segments' index mappings, bounded by {@link EngineConfig#maxMappedSegments()}. */
    private final ResourceCache indexMappings;
    /** How segments open their log files: through {@link #logFiles}. */
    private final FileIo segmentIo;
    private final TopicRegistry topics;
    /** Set once, under adminLock (so close() sees it or the starter sees closed); read without a lock. */
    private volatile GroupCoordinator groupCoordinator;
    private final Object coordinatorStartLock = new Object();
    /** Serialises topic changes and {@link #close()}. */
    private final Object adminLock = new Object();
    private final List<AppendListener> appendListeners = new CopyOnWriteArrayList<>();
    private final AppendListener appendDispatcher = this::dispatchAppend;
    private ProducerIdAllocator producerIds;
    private volatile boolean closed;

    private LogEngine(EngineConfig config, DataDirectory directory) throws IOException {
        this.config = config;
        this.dataDir = config.dataDir();
        this.directory = directory;
        this.metadataFiles = new TopicMetadataFiles(dataDir);
        this.logFiles = new ResourceCache(config.maxOpenFiles());
        this.indexMappings = new ResourceCache(config.maxMappedSegments());
        this.segmentIo = config.maxOpenFiles() == ResourceCache.UNBOUNDED
                && config.maxMappedSegments() == ResourceCache.UNBOUNDED ? config.fileIo()
                : new CachingFileIo(logFiles, config.fileIo(),
                        config.maxMappedSegments() == ResourceCache.UNBOUNDED ? null : indexMappings);
        this.writers = new WriterPool(config.writerThreads(), config.writerQueueCapacity(), config.appendTimeoutMs(),
                config.maxWriterRoomWaiters(), new StorageHealth(dataDir, metrics));
        metrics.writerQueueDepths(writers::queueDepths);
        this.topics = new TopicRegistry(config, metadataFiles, metrics, logFiles, writers, this::openPartition);
        this.maintenance = new MaintenanceScheduler(config, topics::allLogs);
        this.cleaner = new LogCleaner(config, topics::allLogs);
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
        try {
            DataDirectory directory = DataDirectory.lock(dataDir);
            LogEngine engine;
            try {
                engine = new LogEngine(config, directory);
            } catch (IOException | RuntimeException | Error e) {
                directory.releaseLock();
                throw e;
            }
            try {
                engine.load();
            } catch (IOException | RuntimeException e) {
                engine.abandon();
                throw e;
            }
            return engine;
        } catch (IOException e) {
            throw new LogStorageException("Cannot open data directory " + dataDir + ": " + IoFailures.describe(e, dataDir), e);
        }
    }

    private void load() throws IOException {
        directory.writeMetaPropertiesIfMissing();
        producerIds = new ProducerIdAllocator(dataDir);
        boolean cleanShutdown = directory.takeCleanShutdownMarker();
        Map<TopicPartition, Long> recovery = directory.readRecoveryPoints();
        Map<TopicPartition, Long> starts = directory.readLogStartOffsets();
        directory.deleteLeftoverDeleteDirectories();
        new TopicLoader(config, metadataFiles, new TopicLeftovers(dataDir, metadataFiles, metrics), cleaner,
                this::openPartition, topics).loadAll(cleanShutdown, recovery, starts);
        directory.writeCheckpoints(topics.allLogs());
        maintenance.start(this::checkpoint);
        cleaner.start();
    }

    /** Opens one partition's log, told of appends through this engine's listeners, with its handle. */
    private Partition openPartition(TopicPartition tp, TopicConfig effective, long recoveryPoint, long logStartOffset,
                                    boolean cleanShutdown, boolean mayHaveBeenCleaned) throws IOException {
        PartitionLog log = PartitionLog.open(dataDir.resolve(tp.directoryName()), tp, effective, recoveryPoint,
                logStartOffset, cleanShutdown, segmentIo, config.clock(), maintenance, config.maxDecompressedBatchBytes(),
                mayHaveBeenCleaned, metrics);
        log.appendListener(appendDispatcher);
        return new Partition(this, log, writers);
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
        topics.checkPartitionCount(name, partitions);
        synchronized (adminLock) {
            ensureOpen();
            topics.create(name, partitions, topicConfig);
        }
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, TopicConfig.defaults());
    }

    /** Raises a topic's partition count (Kafka never lowers it). */
    public void createPartitions(String name, int newTotal) {
        ensureOpen();
        synchronized (adminLock) {
            ensureOpen();
            topics.createPartitions(name, newTotal);
        }
    }

    /** Replaces a topic's own configs; takes effect on the next append and retention pass. */
    public void alterTopicConfig(String name, TopicConfig topicConfig) {
        ensureOpen();
        synchronized (adminLock) {
            ensureOpen();
            topics.alterConfig(name, topicConfig);
        }
    }

    /**
     * Deletes a topic and its data. Appends already queued finish first; later ones fail.
     * Crash-safe: the topic is marked deleting before any file goes.
     */
    public void deleteTopic(String name) {
        ensureOpen();
        synchronized (adminLock) {
            ensureOpen();
            topics.delete(name);
        }
    }

    public Set<String> topics() {
        return topics.names();
    }

    public boolean topicExists(String name) {
        return topics.contains(name);
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
        return topics.partition(topicName, partition);
    }

    public List<Partition> partitions(String topicName) {
        return List.of(topic(topicName).partitions);
    }

    private TopicRegistry.Topic topic(String name) {
        ensureOpen();
        return topics.topic(name);
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
     * {@code __consumer_offsets}, which blocks the caller: the broker calls this on a loader thread
     * of its own). One per engine, so the broker and in-process clients share groups and committed
     * offsets; closed with the engine.
     */
    public GroupCoordinator groupCoordinator() {
        GroupCoordinator started = groupCoordinator;
        if (started != null) {
            ensureOpen();
            return started;
        }
        // Not adminLock: replaying __consumer_offsets can take a while, and topic admin need not wait for it.
        synchronized (coordinatorStartLock) {
            ensureOpen();
            if (groupCoordinator == null) {
                started = GroupCoordinator.start(this, config.groupConfig());
                synchronized (adminLock) {
                    if (closed) { // closed while replaying: close() did not see this coordinator
                        started.close();
                        ensureOpen();
                    }
                    groupCoordinator = started;
                }
            }
            return groupCoordinator;
        }
    }

    /**
     * The group coordinator if something started it, else null, without starting it: for observers
     * such as metrics, which must not create {@code __consumer_offsets} as a side effect.
     */
    public GroupCoordinator startedGroupCoordinator() {
        return groupCoordinator;
    }

    /** The log cleaner (compaction), e.g. to read its checkpoint or install a test hook. */
    public LogCleaner cleaner() {
        return cleaner;
    }

    /** Runs a retention pass now (it also runs every retention check interval). */
    public void enforceRetention() {
        maintenance.enforceRetention();
    }

    /** Writes the recovery-point and log-start checkpoints now. */
    public void checkpoint() {
        try {
            directory.writeCheckpoints(topics.allLogs());
        } catch (IOException e) {
            throw new LogStorageException("Cannot write checkpoints: " + e.getMessage(), e);
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
        if (groupCoordinator != null) {
            groupCoordinator.close(); // answers waiting joins and syncs, stops its timers
        }
        writers.close();
        maintenance.shutdown();
        for (PartitionLog log : topics.allLogs()) {
            log.markClosed(); // a running cleaning pass sees this between batches and stops
        }
        cleaner.close();
        IOException failure = maintenance.deleteRetiredNow();
        boolean allClosed = true;
        for (PartitionLog log : topics.allLogs()) {
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
            directory.writeCheckpoints(topics.allLogs());
            if (allClosed) {
                directory.markCleanShutdown();
            }
        } catch (IOException e) {
            failure = e;
        }
        directory.releaseLock();
        if (failure != null) {
            throw new LogStorageException("Closing the engine on " + dataDir + " failed: " + failure.getMessage(),
                    failure);
        }
    }

    /** After a failed open: stop threads and close what was opened, leaving no marker. */
    private void abandon() {
        closed = true;
        writers.close();
        maintenance.shutdownNow();
        cleaner.close();
        for (PartitionLog log : topics.allLogs()) {
            try {
                log.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Closing " + log.topicPartition() + " failed", e);
            }
        }
        directory.releaseLock();
    }
}
