package io.fjord.log.simdisk;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of a {@link SimFileSystem}: a real path underneath, so that every {@code Files.*} or
 * {@code FileChannel.open} call the engine makes with it goes to the simulated disk's provider.
 * {@link #toFile()} throws (as for any non-default file system): code that reaches for
 * {@code java.io.File} would bypass the simulation, and must not.
 */
final class SimPath implements Path {
    private final SimFileSystem fileSystem;
    private final Path real;

    SimPath(SimFileSystem fileSystem, Path real) {
        this.fileSystem = Objects.requireNonNull(fileSystem);
        this.real = Objects.requireNonNull(real);
    }

    Path real() {
        return real;
    }

    private SimPath wrap(Path path) {
        return path == null ? null : new SimPath(fileSystem, path);
    }

    private Path unwrap(Path path) {
        return fileSystem.unwrap(path);
    }

    @Override
    public FileSystem getFileSystem() {
        return fileSystem;
    }

    @Override
    public boolean isAbsolute() {
        return real.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(real.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(real.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(real.getParent());
    }

    @Override
    public int getNameCount() {
        return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof SimPath sim && real.startsWith(sim.real);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof SimPath sim && real.endsWith(sim.real);
    }

    @Override
    public Path normalize() {
        return wrap(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(real.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(real.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return real.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(real.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("the simulated disk has no watch service");
    }

    @Override
    public int compareTo(Path other) {
        return real.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SimPath sim && sim.fileSystem == fileSystem && sim.real.equals(real);
    }

    @Override
    public int hashCode() {
        return real.hashCode();
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
