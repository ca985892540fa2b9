package io.fjord.log;

import io.fjord.log.io.FileIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.fjord.log.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic creation, partition addition and deletion are all-or-nothing on disk: a failure part way
 * (an injected "Too many open files" while opening partition k of n) leaves nothing behind, and a
 * crash part way (the data directory copied at that moment, then opened) is cleaned up on start.
 */
class TopicCreationAtomicityTest {
    private static final String TOO_MANY_FILES = "Too many open files";

    @TempDir
    Path dir;
    @TempDir
    Path crashed;

    /**
     * Opens segment files normally except those of the armed partition directory: there it either
     * copies the whole data directory to {@code crashed} (the disk as a crash at this moment leaves
     * it) and fails, or just fails. Closing a channel of the armed directory can take the copy too.
     */
    private final class Faults implements FileIo {
        volatile String failOpenIn;
        volatile String snapshotOnCloseIn;
        volatile boolean snapshotBeforeFailing;
        volatile boolean snapshotTaken;

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            String partitionDir = path.getParent().getFileName().toString();
            if (partitionDir.equals(failOpenIn)) {
                if (snapshotBeforeFailing) {
                    snapshot();
                }
                throw new IOException(TOO_MANY_FILES);
            }
            FileChannel channel = FileChannel.open(path, options);
            if (!partitionDir.equals(snapshotOnCloseIn)) {
                return channel;
            }
            return new FullDiskTest.DelegatingChannel(channel) {
                @Override
                protected void implCloseChannel() throws IOException {
                    if (partitionDir.equals(snapshotOnCloseIn)) {
                        snapshot();
                    }
                    super.implCloseChannel();
                }
            };
        }

        private synchronized void snapshot() {
            if (snapshotTaken) {
                return;
            }
            snapshotTaken = true;
            copyTree(dir, crashed);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path source : all.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (Files.exists(source)) {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names in the data directory and its topic-configs directory that belong to {@code topic}. */
    private static List<String> filesOf(Path dataDir, String topic) throws IOException {
        try (Stream<Path> top = Files.list(dataDir);
             Stream<Path> configs = Files.list(dataDir.resolve(TopicMetadataFiles.DIRECTORY))) {
            return Stream.concat(top, configs).map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(topic + "-") || name.startsWith(topic + "."))
                    .sorted().toList();
        }
    }

    private static EngineConfig config(Path dataDir, FileIo io) {
        return EngineConfig.builder(dataDir).fileIo(io).build();
    }

    @Test
    void aCreationFailingAtPartitionKOfNLeavesNothingAndCanBeRetried() throws IOException {
        Faults faults = new Faults();
        try (LogEngine engine = LogEngine.open(config(dir, faults))) {
            engine.createTopic("kept", 1);
            faults.failOpenIn = "t-5";
            LogStorageException e = assertThrows(LogStorageException.class, () -> engine.createTopic("t", 8));
            assertTrue(e.getMessage().contains(TOO_MANY_FILES) && e.getMessage().contains("'t'"), e.getMessage());
            assertFalse(engine.topicExists("t"));
            assertEquals(List.of(), filesOf(dir, "t"), "no directory, config or intent of 't' is left");
            assertEquals(1, engine.metrics().failedTopicCreations());
            assertEquals(0, engine.partition("kept", 0).append(bytes("k"), bytes("v"), 1), "the engine keeps serving");

            faults.failOpenIn = null;
            engine.createTopic("t", 8);
            assertEquals(8, engine.partitionCount("t"));
            assertEquals(0, engine.partition("t", 7).append(bytes("k"), bytes("v"), 1));
        }
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(8, engine.partitionCount("t"));
            assertEquals(1, engine.partition("t", 7).latestOffset());
            assertEquals(0, engine.metrics().unfinishedTopicCreationsRemoved());
        }
    }

    @Test
    void aCrashDuringCreationLeavesNoTopicAfterRestart() throws IOException {
        Faults faults = new Faults();
        faults.failOpenIn = "t-5";
        faults.snapshotBeforeFailing = true;
        try (LogEngine engine = LogEngine.open(config(dir, faults))) {
            engine.createTopic("kept", 2);
            assertThrows(LogStorageException.class, () -> engine.createTopic("t", 8));
        }
        assertTrue(faults.snapshotTaken);
        assertTrue(filesOf(crashed, "t").contains("t-4"), "the crash copy has partitions 0..4: " + filesOf(crashed, "t"));

        try (LogEngine engine = LogEngine.open(crashed)) {
            assertFalse(engine.topicExists("t"), "a topic whose creation did not finish does not exist");
            assertEquals(List.of(), filesOf(crashed, "t"), "its directories are gone");
            assertEquals(1, engine.metrics().unfinishedTopicCreationsRemoved());
            assertEquals(2, engine.partitionCount("kept"));
            engine.createTopic("t", 8);
            assertEquals(0, engine.partition("t", 7).append(bytes("k"), bytes("v"), 1));
        }
        try (LogEngine engine = LogEngine.open(crashed)) {
            assertEquals(8, engine.partitionCount("t"));
            assertEquals(0, engine.metrics().unfinishedTopicCreationsRemoved());
        }
    }

    @Test
    void aCrashWhileAddingPartitionsKeepsTheOldCount() throws IOException {
        Faults faults = new Faults();
        try (LogEngine engine = LogEngine.open(config(dir, faults))) {
            engine.createTopic("t", 2);
            engine.partition("t", 1).append(bytes("k"), bytes("v"), 1);
            faults.failOpenIn = "t-4";
            assertThrows(LogStorageException.class, () -> engine.createPartitions("t", 6));
            assertEquals(2, engine.partitionCount("t"));
            assertEquals(List.of("t-0", "t-1", "t.properties"), filesOf(dir, "t"), "the new directories were removed");

            faults.snapshotBeforeFailing = true;
            assertThrows(LogStorageException.class, () -> engine.createPartitions("t", 6));
        }
        assertTrue(filesOf(crashed, "t").contains("t-3"), filesOf(crashed, "t").toString());
        try (LogEngine engine = LogEngine.open(crashed)) {
            assertEquals(2, engine.partitionCount("t"));
            assertEquals(List.of("t-0", "t-1", "t.properties"), filesOf(crashed, "t"));
            assertEquals(3, engine.metrics().strayPartitionDirectoriesRemoved(), "t-2, t-3 and the t-4 being made");
            assertEquals(1, engine.partition("t", 1).latestOffset());
            engine.createPartitions("t", 6);
            assertEquals(0, engine.partition("t", 5).append(bytes("k"), bytes("v"), 1));
        }
    }

    @Test
    void aCrashDuringDeletionFinishesTheDeletionOnStart() throws IOException {
        Faults faults = new Faults();
        faults.snapshotOnCloseIn = "t-3";
        try (LogEngine engine = LogEngine.open(config(dir, faults))) {
            engine.createTopic("t", 6);
            engine.createTopic("kept", 1);
            for (int p = 0; p < 6; p++) {
                engine.partition("t", p).append(bytes("k"), bytes("v" + p), 1);
            }
            engine.deleteTopic("t");
            assertEquals(List.of(), filesOf(dir, "t"));
        }
        assertTrue(faults.snapshotTaken);
        List<String> atCrash = filesOf(crashed, "t");
        assertFalse(atCrash.contains("t-0"), atCrash.toString());
        assertTrue(atCrash.contains("t-5") && atCrash.contains("t.properties"), atCrash.toString());

        try (LogEngine engine = LogEngine.open(crashed)) {
            assertFalse(engine.topicExists("t"));
            assertEquals(List.of(), filesOf(crashed, "t"));
            assertEquals(1, engine.metrics().interruptedTopicDeletionsFinished());
            engine.createTopic("t", 3);
            assertEquals(0, engine.partition("t", 2).latestOffset(), "the new topic starts empty");
        }
    }

    /**
     * A data directory written before creation intents existed: its properties file alone makes the
     * topic exist (as it always did), even when a partition directory is missing; that partition
     * starts empty. Nothing of it is removed.
     */
    @Test
    void aTopicWrittenByAnOlderVersionStillOpens() throws IOException {
        try (LogEngine engine = LogEngine.open(dir)) {
            engine.createTopic("old", 3, TopicConfig.of(Map.of("retention.ms", "60000")));
            engine.partition("old", 0).append(bytes("k"), bytes("v"), 1);
        }
        DataDirectory.deleteRecursively(dir.resolve("old-2"));
        try (LogEngine engine = LogEngine.open(dir)) {
            assertEquals(3, engine.partitionCount("old"));
            assertEquals(1, engine.partition("old", 0).latestOffset());
            assertEquals(0, engine.partition("old", 2).latestOffset());
            assertEquals(0, engine.metrics().unfinishedTopicCreationsRemoved());
            assertEquals(0, engine.metrics().strayPartitionDirectoriesRemoved());
        }
    }
}
