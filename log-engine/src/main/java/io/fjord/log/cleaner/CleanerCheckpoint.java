package io.fjord.log.cleaner;

import io.fjord.log.TopicPartition;
import io.fjord.log.io.OffsetCheckpointFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per partition, the first offset the cleaner has not yet compacted (its "first dirty offset"),
 * kept in Kafka's {@code cleaner-offset-checkpoint} file in the data directory, in the same text
 * format as the other checkpoints ({@link OffsetCheckpointFile}), so Kafka can read it too.
 *
 * <p>A hint only: losing it (or an entry) makes the next pass treat the whole log as dirty,
 * which costs I/O but never correctness. Thread-safe.
 */
final class CleanerCheckpoint {
    static final String FILE_NAME = "cleaner-offset-checkpoint";
    private static final System.Logger LOG = System.getLogger(CleanerCheckpoint.class.getName());

    private final OffsetCheckpointFile file;
    private final Map<TopicPartition, Long> firstDirtyOffsets = new ConcurrentHashMap<>();

    CleanerCheckpoint(Path dataDir) {
        this.file = new OffsetCheckpointFile(dataDir.resolve(FILE_NAME));
        try {
            firstDirtyOffsets.putAll(file.read());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring unreadable cleaner checkpoint: {0}", e.getMessage());
        }
    }

    /** The recorded first dirty offset, or 0 when the partition was never cleaned. */
    long firstDirtyOffset(TopicPartition topicPartition) {
        return firstDirtyOffsets.getOrDefault(topicPartition, 0L);
    }

    void update(TopicPartition topicPartition, long firstDirtyOffset) {
        firstDirtyOffsets.put(topicPartition, firstDirtyOffset);
    }

    /** Writes the entries of the {@code live} partitions (dropping those of deleted topics). */
    synchronized void write(Collection<TopicPartition> live) throws IOException {
        Map<TopicPartition, Long> snapshot = new HashMap<>();
        for (TopicPartition tp : live) {
            Long offset = firstDirtyOffsets.get(tp);
            if (offset != null) {
                snapshot.put(tp, offset);
            }
        }
        firstDirtyOffsets.keySet().retainAll(live);
        file.write(snapshot);
    }
}
