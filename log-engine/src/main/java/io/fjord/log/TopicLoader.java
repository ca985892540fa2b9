package io.fjord.log;

import io.fjord.log.cleaner.LogCleaner;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Loads every topic of a data directory when a {@link LogEngine} opens: finishes what a crash
 * interrupted ({@link TopicLeftovers}), adopts partition directories without metadata (a Kafka
 * log directory), and opens the partitions on {@code num.recovery.threads.per.data.dir} threads
 * into the {@link TopicRegistry}. All or nothing: on a failure every log it opened is closed.
 *
 * <p>Runs once, on the opening thread, before the engine serves anything.
 */
final class TopicLoader {
    private static final System.Logger LOG = System.getLogger(TopicLoader.class.getName());

    private final EngineConfig config;
    private final Path dataDir;
    private final TopicMetadataFiles metadataFiles;
    private final TopicLeftovers leftovers;
    private final LogCleaner cleaner;
    private final TopicRegistry.PartitionOpener opener;
    private final TopicRegistry registry;

    TopicLoader(EngineConfig config, TopicMetadataFiles metadataFiles, TopicLeftovers leftovers, LogCleaner cleaner,
                TopicRegistry.PartitionOpener opener, TopicRegistry registry) {
        this.config = config;
        this.dataDir = config.dataDir();
        this.metadataFiles = metadataFiles;
        this.leftovers = leftovers;
        this.cleaner = cleaner;
        this.opener = opener;
        this.registry = registry;
    }

    /**
     * Loads and registers every committed topic. After an unclean shutdown each partition is
     * recovered from its checkpointed recovery point ({@code recovery}; 0 when missing).
     */
    void loadAll(boolean cleanShutdown, Map<TopicPartition, Long> recovery, Map<TopicPartition, Long> starts)
            throws IOException {
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
        Map<TopicMetadataFiles.Stored, List<Future<Partition>>> loading = new LinkedHashMap<>();
        try {
            for (TopicMetadataFiles.Stored stored : storedTopics) {
                if (stored.deleting()) {
                    continue;
                }
                TopicConfig effective = config.topicDefaults().overriddenBy(stored.config());
                List<Future<Partition>> logs = new ArrayList<>(stored.partitions());
                for (int p = 0; p < stored.partitions(); p++) {
                    TopicPartition tp = new TopicPartition(stored.name(), p);
                    // May have been compacted by a version that kept no cleaned-offset bound: Kafka's
                    // directories, and partitions with a cleaner checkpoint (see PartitionLog.open).
                    boolean mayHaveBeenCleaned = adopted.containsKey(stored.name()) || cleaner.firstDirtyOffset(tp) > 0;
                    logs.add(loaders.submit(() -> opener.open(tp, effective, recovery.getOrDefault(tp, 0L),
                            starts.getOrDefault(tp, 0L), cleanShutdown, mayHaveBeenCleaned)));
                }
                loading.put(stored, logs);
            }
            for (Map.Entry<TopicMetadataFiles.Stored, List<Future<Partition>>> entry : loading.entrySet()) {
                Partition[] partitions = new Partition[entry.getValue().size()];
                for (int p = 0; p < partitions.length; p++) {
                    partitions[p] = loaded(entry.getValue().get(p));
                }
                TopicMetadataFiles.Stored stored = entry.getKey();
                registry.register(new TopicRegistry.Topic(stored.name(), stored.config(), partitions));
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
    }

    /**
     * After a failed load: closes the logs that loaded but belong to no registered topic (the
     * failing topic's other partitions and every later topic's), which the engine's abandon cannot
     * reach, so a refused open leaves no descriptor or mapping behind.
     */
    private void closeUnclaimed(Map<TopicMetadataFiles.Stored, List<Future<Partition>>> loading) {
        for (Map.Entry<TopicMetadataFiles.Stored, List<Future<Partition>>> entry : loading.entrySet()) {
            if (registry.contains(entry.getKey().name())) {
                continue; // abandon() closes it
            }
            for (Future<Partition> future : entry.getValue()) {
                try {
                    loaded(future).log().close();
                } catch (IOException | RuntimeException e) {
                    // Failed, cancelled before it started, or failed to close: nothing more of it to release.
                }
            }
        }
    }

    /** The loaded partition, or the loader's failure as it was thrown. */
    private static Partition loaded(Future<Partition> future) throws IOException {
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
}
