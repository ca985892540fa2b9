package io.fjord.log.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A {@link FileIo} whose channels keep their descriptors in a shared {@link ResourceCache}
 * ({@link CachedFileChannel}), opening the files through another {@link FileIo} (so fault
 * injection keeps working underneath).
 */
public final class CachingFileIo implements FileIo {
    private final ResourceCache cache;
    private final FileIo delegate;

    public CachingFileIo(ResourceCache cache, FileIo delegate) {
        this.cache = cache;
        this.delegate = delegate;
    }

    public ResourceCache cache() {
        return cache;
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return CachedFileChannel.open(cache, delegate, path, options);
    }
}
