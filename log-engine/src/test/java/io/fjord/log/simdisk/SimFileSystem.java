package io.fjord.log.simdisk;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The file system view of a {@link PowerLossDisk}: the platform's file system for naming and
 * reading, with every mutation and every sync reported to the disk through
 * {@link SimFileSystemProvider}. Handing the engine a data directory of this file system routes
 * every file operation it makes (segments, indexes, checkpoints, metadata, renames, directory
 * fsyncs) through the simulation without any engine code knowing.
 */
final class SimFileSystem extends FileSystem {
    private static final FileSystem PLATFORM = FileSystems.getDefault();
    private final SimFileSystemProvider provider;

    SimFileSystem(PowerLossDisk disk) {
        this.provider = new SimFileSystemProvider(this, disk);
    }

    /** The path of this file system that names {@code real}. */
    Path wrap(Path real) {
        return new SimPath(this, real);
    }

    /** The real path under a path of this file system. */
    Path unwrap(Path path) {
        if (path instanceof SimPath sim && sim.getFileSystem() == this) {
            return sim.real();
        }
        throw new ProviderMismatchException("not a path of this simulated disk: " + path + " ("
                + (path == null ? "null" : path.getClass().getName()) + ")");
    }

    @Override
    public SimFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        // the disk's life is the test's
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return PLATFORM.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        for (Path root : PLATFORM.getRootDirectories()) {
            roots.add(wrap(root));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return PLATFORM.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return PLATFORM.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(PLATFORM.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher real = PLATFORM.getPathMatcher(syntaxAndPattern);
        return path -> real.matches(unwrap(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return PLATFORM.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("the simulated disk has no watch service");
    }
}
