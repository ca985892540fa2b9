package io.fjord.log;

import io.fjord.log.io.AtomicFiles;
import io.fjord.log.io.ResourceCache;
import io.fjord.log.partition.PartitionLog;
import io.fjord.log.writer.WriterPool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link LogEngine}'s topics: the live map from name to configs and partitions, and the
 * crash-safe changes to it (create, add partitions, alter configs, delete), each committed by its
 * {@link TopicMetadataFiles} file.
 *
 * <p>Lookups are lock-free from any thread. Changes are made by one thread at a time: callers
 * hold the engine's admin lock.
 */
final class TopicRegistry {
    private static final System.Logger LOG = System.getLogger(TopicRegistry.class.getName());

    /** Opens one partition's log (new: recovery point and start offset 0) and wraps it in its handle. */
    @FunctionalInterface
    interface PartitionOpener {
        Partition open(TopicPartition topicPartition, TopicConfig effective, long recoveryPoint, long logStartOffset,
                       boolean cleanShutdown, boolean mayHaveBeenCleaned) throws IOException;
    }

    /** A topic's own configs and its partitions; the array is replaced whole when partitions are added. */
    static final class Topic {
        final String name;
        volatile TopicConfig ownConfig;
        volatile Partition[] partitions;

        Topic(String name, TopicConfig ownConfig, Partition[] partitions) {
            this.name = name;
            this.ownConfig = ownConfig;
            this.partitions = partitions;
        }
    }

    private final EngineConfig config;
    private final Path dataDir;
    private final TopicMetadataFiles metadataFiles;
    private final EngineMetrics metrics;
    /** The open-descriptor budget new partitions are checked against ({@link DescriptorHeadroom}). */
    private final ResourceCache logFiles;
    private final WriterPool writers;
    private final PartitionOpener opener;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    TopicRegistry(EngineConfig config, TopicMetadataFiles metadataFiles, EngineMetrics metrics, ResourceCache logFiles,
                  WriterPool writers, PartitionOpener opener) {
        this.config = config;
        this.dataDir = config.dataDir();
        this.metadataFiles = metadataFiles;
        this.metrics = metrics;
        this.logFiles = logFiles;
        this.writers = writers;
        this.opener = opener;
    }

    /** Registers a topic loaded from disk. */
    void register(Topic topic) {
        topics.put(topic.name, topic);
    }

    /**
     * See {@link LogEngine#createTopic(String, int, TopicConfig)}; the name and count are checked.
     * Caller holds the admin lock.
     */
    void create(String name, int partitions, TopicConfig topicConfig) {
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
                DataDirectory.deleteRecursively(dataDir.resolve(new TopicPartition(name, p).directoryName()));
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
                    DataDirectory.deleteRecursively(dir); // a leftover of a crashed deletion of a same-named topic
                }
                result[p] = opener.open(tp, effective, 0, 0, true, false);
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

    void checkPartitionCount(String name, int partitions) {
        if (partitions < 1 || partitions > config.maxPartitionsPerTopic()) {
            throw new InvalidTopicException("Topic '" + name + "': partition count " + partitions + " is not in [1, "
                    + config.maxPartitionsPerTopic() + "] (maxPartitionsPerTopic)");
        }
    }

    /** See {@link LogEngine#createPartitions}. Caller holds the admin lock. */
    void createPartitions(String name, int newTotal) {
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

    /** See {@link LogEngine#alterTopicConfig}. Caller holds the admin lock. */
    void alterConfig(String name, TopicConfig topicConfig) {
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

    /** See {@link LogEngine#deleteTopic}. Caller holds the admin lock. */
    void delete(String name) {
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

    Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(topics.keySet()));
    }

    boolean contains(String name) {
        return topics.containsKey(name);
    }

    /** @throws UnknownTopicOrPartitionException when the topic does not exist */
    Topic topic(String name) {
        Topic topic = name == null ? null : topics.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist");
        }
        return topic;
    }

    /** @throws UnknownTopicOrPartitionException when the topic or the partition does not exist */
    Partition partition(String topicName, int partition) {
        Partition[] partitions = topic(topicName).partitions;
        if (partition < 0 || partition >= partitions.length) {
            throw new UnknownTopicOrPartitionException("Topic '" + topicName + "' has no partition " + partition
                    + " (it has " + partitions.length + ")");
        }
        return partitions[partition];
    }

    /** A snapshot of every registered partition's log. */
    List<PartitionLog> allLogs() {
        List<PartitionLog> logs = new ArrayList<>();
        for (Topic topic : topics.values()) {
            for (Partition partition : topic.partitions) {
                logs.add(partition.log());
            }
        }
        return logs;
    }
}
