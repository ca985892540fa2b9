package io.fjord.log.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the engine opens its segment files. Production uses {@link #DEFAULT}; fault tests swap in a
 * channel that fails writes (full disk) or forgets unsynced data, without touching engine code.
 */
@FunctionalInterface
public interface FileIo {
    FileIo DEFAULT = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
