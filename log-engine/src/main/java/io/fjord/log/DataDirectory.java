package io.fjord.log;

import io.fjord.log.io.AtomicFiles;
import io.fjord.log.io.OffsetCheckpointFile;
import io.fjord.log.partition.PartitionLog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link LogEngine}'s data directory as a whole, in Kafka's layout: the lock that keeps a second
 * engine out, {@code meta.properties}, the clean-shutdown marker, the recovery-point and log-start
 * checkpoints, and the removal of partition directories a deletion left behind. Partition and
 * topic files are {@link PartitionLog}'s and {@link TopicMetadataFiles}'.
 *
 * <p>Thread-safe: checkpoints are written under this object's monitor (scheduler and close).
 */
final class DataDirectory {
    private static final System.Logger LOG = System.getLogger(DataDirectory.class.getName());

    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStarts;

    private DataDirectory(Path dataDir, FileChannel lockChannel, FileLock lock) {
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.recoveryPoints = new OffsetCheckpointFile(dataDir.resolve(LogEngine.RECOVERY_POINT_CHECKPOINT));
        this.logStarts = new OffsetCheckpointFile(dataDir.resolve(LogEngine.LOG_START_CHECKPOINT));
    }

    /**
     * Creates the directory if needed and takes its lock ({@link LogEngine#LOCK_FILE}); on failure
     * nothing stays open.
     *
     * @throws LogStorageException another engine (in this process or another) holds the lock
     */
    static DataDirectory lock(Path dataDir) throws IOException {
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dataDir);
            lockChannel = FileChannel.open(dataDir.resolve(LogEngine.LOCK_FILE), StandardOpenOption.CREATE,
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
            return new DataDirectory(dataDir, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    Path path() {
        return dataDir;
    }

    void writeMetaPropertiesIfMissing() throws IOException {
        Path meta = dataDir.resolve(LogEngine.META_PROPERTIES);
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

    /**
     * Whether the last close was clean ({@link LogEngine#CLEAN_SHUTDOWN_FILE} exists); deletes the
     * marker durably, because until the next clean close a crash must be treated as unclean.
     */
    boolean takeCleanShutdownMarker() throws IOException {
        Path marker = dataDir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE);
        boolean cleanShutdown = Files.exists(marker);
        AtomicFiles.deleteDurably(marker);
        return cleanShutdown;
    }

    /** Writes the clean-shutdown marker: the next open trusts the indexes and skips recovery. */
    void markCleanShutdown() throws IOException {
        AtomicFiles.createMarker(dataDir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
    }

    Map<TopicPartition, Long> readRecoveryPoints() {
        return readCheckpointOrEmpty(recoveryPoints);
    }

    Map<TopicPartition, Long> readLogStartOffsets() {
        return readCheckpointOrEmpty(logStarts);
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

    /** Writes the recovery point and log start offset of every log in {@code logs}. */
    synchronized void writeCheckpoints(List<PartitionLog> logs) throws IOException {
        Map<TopicPartition, Long> recovery = new HashMap<>();
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (PartitionLog log : logs) {
            recovery.put(log.topicPartition(), log.recoveryPoint());
            starts.put(log.topicPartition(), log.logStartOffset());
        }
        recoveryPoints.write(recovery);
        logStarts.write(starts);
    }

    /** Partition directories renamed for deletion ({@link LogEngine#DELETE_DIR_SUFFIX}) by an earlier run. */
    void deleteLeftoverDeleteDirectories() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry) && entry.getFileName().toString().endsWith(LogEngine.DELETE_DIR_SUFFIX)) {
                    deleteRecursively(entry);
                }
            }
        }
    }

    /** Releases the lock and closes its file; logs a failure. */
    void releaseLock() {
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
