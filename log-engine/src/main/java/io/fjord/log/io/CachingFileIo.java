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
    private final ResourceCache indexMappings;

    public CachingFileIo(ResourceCache cache, FileIo delegate) {
        this(cache, delegate, null);
    }

    /**
     * @param indexMappings the bounded cache of segments' index mappings the segments opened
     *                      through this join, or null for no bound
     */
    public CachingFileIo(ResourceCache cache, FileIo delegate, ResourceCache indexMappings) {
        this.cache = cache;
        this.delegate = delegate;
        this.indexMappings = indexMappings;
    }

    /** The cache of index mappings segments opened through this join, or null. */
    public ResourceCache indexMappings() {
        return indexMappings;
    }

    public ResourceCache cache() {
        return cache;
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return CachedFileChannel.open(cache, delegate, path, options);
    }
}
