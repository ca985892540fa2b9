package io.fjord.log;

import io.fjord.log.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes, on start, what an interrupted topic creation, partition addition or deletion left on
 * disk, so the data directory holds exactly the committed topics (see {@link TopicMetadataFiles}
 * for the commit marker). Each removal is logged once and counted in {@link EngineMetrics}.
 * <ul>
 *   <li>a creation intent without a properties file: the topic never existed; its partition
 *       directories (any number of them, preallocated index files and all) are deleted;</li>
 *   <li>a creation intent next to its properties file: the creation finished; the intent goes;</li>
 *   <li>a partition directory numbered at or beyond its topic's committed count: a CreatePartitions
 *       cut short (its count is written after the directories), deleted;</li>
 *   <li>a topic marked {@code deleting}: every directory of it is deleted, then its file.</li>
 * </ul>
 * Runs before the engine serves anything, on the opening thread.
 */
final class TopicLeftovers {
    private static final System.Logger LOG = System.getLogger(TopicLeftovers.class.getName());

    private final Path dataDir;
    private final TopicMetadataFiles metadataFiles;
    private final EngineMetrics metrics;

    TopicLeftovers(Path dataDir, TopicMetadataFiles metadataFiles, EngineMetrics metrics) {
        this.dataDir = dataDir;
        this.metadataFiles = metadataFiles;
        this.metrics = metrics;
    }

    /** Deletes the leftovers of creations cut short; call before adopting directories without metadata. */
    void removeUnfinishedCreations() throws IOException {
        List<String> intents = metadataFiles.creationIntents();
        if (intents.isEmpty()) {
            return;
        }
        Map<String, List<Path>> directories = partitionDirectoriesByTopic();
        for (String name : intents) {
            if (!metadataFiles.exists(name)) {
                List<Path> leftovers = directories.getOrDefault(name, List.of());
                LOG.log(System.Logger.Level.WARNING, "Removing topic {0}: its creation did not finish (a crash or an"
                        + " I/O error cut it short); deleting {1} partition director{2}", name, leftovers.size(),
                        leftovers.size() == 1 ? "y" : "ies");
                for (Path dir : leftovers) {
                    DataDirectory.deleteRecursively(dir);
                }
                // Durably gone before the intent is: a directory left without either would be
                // adopted as a topic on the next start.
                AtomicFiles.fsyncDirectory(dataDir);
                metrics.unfinishedTopicCreationRemoved();
            }
            metadataFiles.deleteCreationIntent(name);
        }
    }

    /** Deletes directories of {@code topic} numbered at or beyond its committed {@code partitions}. */
    void removeStrayPartitions(Map<String, Integer> committedCounts) throws IOException {
        for (Map.Entry<String, List<Path>> entry : partitionDirectoriesByTopic().entrySet()) {
            Integer count = committedCounts.get(entry.getKey());
            if (count == null) {
                continue;
            }
            for (Path dir : entry.getValue()) {
                TopicPartition tp = TopicPartition.parseDirectoryName(dir.getFileName().toString());
                if (tp.partition() >= count) {
                    LOG.log(System.Logger.Level.WARNING, "Removing {0}: topic {1} has {2} partitions (an addition of"
                            + " partitions did not finish)", dir, entry.getKey(), count);
                    DataDirectory.deleteRecursively(dir);
                    metrics.strayPartitionDirectoryRemoved();
                }
            }
        }
    }

    /** Finishes a deletion a crash or an I/O error interrupted: every directory of the topic, then its file. */
    void finishDeletion(String name) throws IOException {
        LOG.log(System.Logger.Level.WARNING, "Finishing the interrupted deletion of topic {0}", name);
        for (Path dir : partitionDirectoriesByTopic().getOrDefault(name, List.of())) {
            DataDirectory.deleteRecursively(dir);
        }
        AtomicFiles.fsyncDirectory(dataDir); // as in removeUnfinishedCreations
        metadataFiles.delete(name);
        metrics.interruptedTopicDeletionFinished();
    }

    private Map<String, List<Path>> partitionDirectoriesByTopic() throws IOException {
        Map<String, List<Path>> found = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                TopicPartition tp = TopicPartition.parseDirectoryName(entry.getFileName().toString());
                if (tp != null && Files.isDirectory(entry)) {
                    found.computeIfAbsent(tp.topic(), topic -> new ArrayList<>()).add(entry);
                }
            }
        }
        return found;
    }
}
