package io.fjord.log.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the engine opens its segment files. Production uses {@link #DEFAULT}; fault tests swap in a
 * channel that fails writes (full disk), without touching engine code.
 *
 * <p>Power-loss tests go one level lower, to the {@link java.nio.file.spi.FileSystemProvider} of
 * the data directory's path (log-engine's test {@code PowerLossDisk}): every file the engine
 * touches (segments, mapped indexes, checkpoints, {@code meta.properties}, topic metadata and
 * creation intents, cleaner files, producer-id blocks, renames, deletions, directory fsyncs) is
 * then opened, written, renamed and synced through it, with no call site to route. The engine's
 * part of that contract: every path comes from the data directory's {@code Path} (never
 * {@code Path.of} or {@code java.io.File}), and a mapped file's force is followed by a channel
 * force on a non-default file system (see the index module's {@code MappedIndexFile.force}).
 */
@FunctionalInterface
public interface FileIo {
    FileIo DEFAULT = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
