package io.fjord.log.simdisk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A disk that forgets what was not synced: a file system (see {@link #path}) whose every
 * mutation and sync is a possible crash point, at which it computes what a power loss there would
 * leave on the platter ({@link CrashImage}). The engine keeps running on the volatile state; the
 * test then opens an engine on each image and checks what survived.
 *
 * <h2>The model (POSIX fsync rules, as Linux ext4 guarantees them to an application)</h2>
 * <ul>
 *   <li><b>File data</b> belongs to the inode. Its durable content is what it held at its last
 *       {@code fsync}/{@code fdatasync} ({@link FileChannel#force}, or a mapped index's force,
 *       which the engine follows with a channel force on a non-default file system); a new file
 *       has none. Writes through a channel or a mapping, truncations and extensions after that are
 *       volatile.</li>
 *   <li><b>Names</b> belong to the directory. Creating, renaming over, or deleting a name is
 *       durable only once the directory itself is fsynced; until then each directory keeps a log
 *       of its unsynced entry operations. A rename within one directory is one atomic operation;
 *       across directories it is an unlink in one and a link in the other (the engine renames
 *       within a directory only). A new directory's own entries are durable only after an fsync
 *       of it, and it exists at all only once its parent is fsynced. (ext4 often commits a name
 *       together with an fsync of the file, through its journal; applications must not rely on
 *       that, and this model does not grant it.)</li>
 *   <li><b>At a crash</b> each directory keeps its durable entries plus a prefix of its unsynced
 *       operations, in order (a journal commits in order): none, all, or some, as the seed
 *       decides. Each surviving file whose volatile content differs from its durable content
 *       gets one fate, as the seed decides: the unsynced changes are dropped; kept; torn as a
 *       prefix (the volatile bytes up to a cut at any byte, not only a sector boundary, the
 *       durable ones after it); or torn as a mix (runs of sectors, or of arbitrary length, from
 *       either version, and a length anywhere between the two). A torn file may also get garbage
 *       in its unsynced tail (bytes past its durable length), as a file whose size reached the
 *       disk before its data does.</li>
 * </ul>
 * What is not modelled: a disk that lies about flushes, bit rot in synced data, errors from
 * sync calls (see FullDiskTest for failing writes), hard links, cross-directory rename atomicity.
 *
 * <p>The platform's file system under {@code root} (a tmpfs in tests) holds the volatile state:
 * every read and mapping is real. All mutations are serialised on one lock, so an image is a
 * consistent cut of the operations and of the {@link #record events} the test logs with them
 * (e.g. an acknowledgement, which the engine sends only after the fsync it depends on).
 */
public final class PowerLossDisk {
    /** Chooses the crash points at which an image is taken. */
    @FunctionalInterface
    public interface CrashPoints {
        /** @param point the number of operations done before the crash (the next one is lost) */
        boolean captureAt(long point);
    }

    /** What becomes of the unsynced state at a crash. */
    public interface Fates {
        /** How many of the unsynced entry operations of {@code directory} (relative to the root) reach the disk, in order. */
        int keptOperations(String directory, int pending);

        /** The content of {@code file} (relative to the root) after the crash, given its durable and its current content. */
        byte[] content(String file, byte[] durable, byte[] current);

        /** Nothing unsynced survives: the strictest test of an fsync discipline. */
        Fates DURABLE_ONLY = new Fates() {
            @Override
            public int keptOperations(String directory, int pending) {
                return 0;
            }

            @Override
            public byte[] content(String file, byte[] durable, byte[] current) {
                return durable;
            }
        };

        /** The seeded fates of the class comment. */
        static Fates random(Random random) {
            return new Fates() {
                @Override
                public int keptOperations(String directory, int pending) {
                    return keptPrefix(pending, random);
                }

                @Override
                public byte[] content(String file, byte[] durable, byte[] current) {
                    return afterPowerLoss(durable, current, random);
                }
            };
        }
    }

    /** A file operation that may throw, run under the disk's lock. */
    @FunctionalInterface
    interface IoCall<T> {
        T run() throws IOException;
    }

    /** An inode: a file or a directory. */
    static final class Node {
        final boolean dir;
        /** Where it is linked now (its volatile name), or null once unlinked. */
        Node parent;
        String name;
        /** File: the content as of its last sync. */
        byte[] durable = new byte[0];
        /** File: its volatile content at the moment it lost its name (deleted or renamed over). */
        byte[] unlinkedContent;
        /** Directory: its entries now. */
        final Map<String, Node> live = new TreeMap<>();
        /** Directory: its entries as of its last sync. */
        Map<String, Node> durableEntries = new TreeMap<>();
        /** Directory: entry operations since its last sync, in order. */
        final List<DirOp> pending = new ArrayList<>();

        Node(boolean dir) {
            this.dir = dir;
        }
    }

    /** An unsynced directory entry operation: link {@code name} to {@code node} (null: unlink it), renaming from {@code from} if set. */
    record DirOp(String name, Node node, String from) {
        void applyTo(Map<String, Node> entries) {
            if (from != null) {
                entries.remove(from);
            }
            if (node == null) {
                entries.remove(name);
            } else {
                entries.put(name, node);
            }
        }
    }

    private final Object lock = new Object();
    private final Path root;
    private final Node rootNode = new Node(true);
    private final long seed;
    private final CrashPoints crashPoints;
    private final SimFileSystem fileSystem;
    private final List<CrashImage> images = new ArrayList<>();
    private final List<Object> events = new ArrayList<>();
    /** Every operation, in order: the trace a failure prints. */
    private final List<String> trace = new ArrayList<>();
    private long operations;

    /**
     * A disk whose current content under {@code realRoot} (an existing directory) is all durable.
     *
     * @param seed decides the fate of every unsynced change at every crash point (together with the point)
     */
    public PowerLossDisk(Path realRoot, long seed, CrashPoints crashPoints) throws IOException {
        this.root = realRoot.toAbsolutePath().normalize();
        this.seed = seed;
        this.crashPoints = crashPoints;
        this.fileSystem = new SimFileSystem(this);
        scan(root, rootNode);
    }

    private static void scan(Path dir, Node node) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                boolean isDir = Files.isDirectory(entry);
                Node child = new Node(isDir);
                child.parent = node;
                child.name = entry.getFileName().toString();
                node.live.put(child.name, child);
                if (isDir) {
                    scan(entry, child);
                } else {
                    child.durable = Files.readAllBytes(entry);
                }
            }
        }
        node.durableEntries = new TreeMap<>(node.live);
    }

    /** A path on this disk: {@code root} resolved against {@code relative}. */
    public Path path(String relative) {
        return fileSystem.wrap(root.resolve(relative));
    }

    /** Logs a test event (e.g. an acknowledged append) in order with the disk's operations. */
    public void record(Object event) {
        synchronized (lock) {
            events.add(event);
        }
    }

    /** The events logged so far; an image covers the first {@link CrashImage#eventCount()} of them. */
    public List<Object> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** Every operation so far, in order (operation {@code i} is lost at crash point {@code i}). */
    public List<String> trace() {
        synchronized (lock) {
            return List.copyOf(trace);
        }
    }

    /** Operations (possible crash points) so far. */
    public long operations() {
        synchronized (lock) {
            return operations;
        }
    }

    /** The images taken so far, in crash-point order. */
    public List<CrashImage> images() {
        synchronized (lock) {
            return List.copyOf(images);
        }
    }

    /** Takes an image now, whatever the crash points say (e.g. after the engine closed). */
    public CrashImage crashNow() {
        synchronized (lock) {
            CrashImage image = image(operations, "(end)");
            images.add(image);
            return image;
        }
    }

    /** An image now with the given fates (not added to {@link #images()}), e.g. {@link Fates#DURABLE_ONLY}. */
    public CrashImage crashNow(Fates fates) {
        synchronized (lock) {
            return image(operations, "(now)", fates);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Operations, called by the provider and the channels

    FileChannel open(Path real, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        synchronized (lock) {
            Node existing = lookup(real);
            Node parent = real.getParent() == null ? null : lookup(real.getParent());
            if (existing == null && parent == null) {
                if (real.toAbsolutePath().normalize().startsWith(root)) {
                    FileChannel.open(real, options, attrs).close(); // throws NoSuchFileException, as expected
                }
                throw new IllegalStateException("outside the simulated disk " + root + ": " + real);
            }
            boolean create = options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW);
            boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
            if (existing == null && create && parent.dir) {
                beforeOperation("create " + real);
                FileChannel channel = FileChannel.open(real, options, attrs);
                Node file = new Node(false);
                link(parent, real.getFileName().toString(), file);
                return new SimChannel(this, file, channel);
            }
            if (existing != null && !existing.dir && writes && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
                beforeOperation("truncate-on-open " + real);
            }
            FileChannel channel = FileChannel.open(real, options, attrs);
            if (existing == null) {
                channel.close();
                throw new IllegalStateException("opened a file the simulated disk does not know: " + real);
            }
            return new SimChannel(this, existing, channel);
        }
    }

    <T> T mutate(String what, Node node, IoCall<T> call) throws IOException {
        synchronized (lock) {
            beforeOperation(node.parent == null ? what + " (unlinked)" : what + " " + realPath(node));
            return call.run();
        }
    }

    void force(Node node, FileChannel real) throws IOException {
        synchronized (lock) {
            String name = node.parent == null && node != rootNode ? "(unlinked)" : realPath(node).toString();
            beforeOperation(node.dir ? "fsync directory " + name : "fsync " + name);
            if (node.dir) {
                node.durableEntries = new TreeMap<>(node.live);
                node.pending.clear();
            } else {
                // By name while it has one: the channel may be write-only (a checkpoint's temp file).
                node.durable = node.parent != null ? Files.readAllBytes(realPath(node)) : readAll(real);
            }
        }
    }

    void createDirectory(Path real, FileAttribute<?>... attrs) throws IOException {
        synchronized (lock) {
            Node parent = real.getParent() == null ? null : lookup(real.getParent());
            if (parent == null) {
                if (lookup(real) != null || root.startsWith(real)) {
                    Files.createDirectory(real, attrs); // throws FileAlreadyExistsException, as expected
                }
                throw new IllegalStateException("outside the simulated disk " + root + ": " + real);
            }
            beforeOperation("mkdir " + real);
            Files.createDirectory(real, attrs);
            link(parent, real.getFileName().toString(), new Node(true));
        }
    }

    void delete(Path real) throws IOException {
        synchronized (lock) {
            Node node = lookup(real);
            if (node == null) {
                Files.delete(real); // throws NoSuchFileException, as expected
                throw new IllegalStateException("deleted a file the simulated disk does not know: " + real);
            }
            beforeOperation("delete " + real);
            byte[] content = node.dir ? null : Files.readAllBytes(real);
            Files.delete(real);
            node.unlinkedContent = content;
            unlink(node);
        }
    }

    void move(Path from, Path to, java.nio.file.CopyOption... options) throws IOException {
        synchronized (lock) {
            Node node = lookup(from);
            Node toParent = to.getParent() == null ? null : lookup(to.getParent());
            if (node == null || toParent == null) {
                Files.move(from, to, options); // throws NoSuchFileException, as expected
                throw new IllegalStateException("renamed a file the simulated disk does not know: " + from + " -> " + to);
            }
            beforeOperation("rename " + from + " -> " + to);
            Node replaced = lookup(to);
            byte[] replacedContent = replaced != null && !replaced.dir ? Files.readAllBytes(to) : null;
            Files.move(from, to, options);
            String toName = to.getFileName().toString();
            if (replaced != null) {
                replaced.unlinkedContent = replacedContent;
                replaced.parent = null;
            }
            Node fromParent = node.parent;
            fromParent.live.remove(node.name);
            toParent.live.put(toName, node);
            if (fromParent == toParent) {
                fromParent.pending.add(new DirOp(toName, node, node.name));
            } else {
                fromParent.pending.add(new DirOp(node.name, null, null));
                toParent.pending.add(new DirOp(toName, node, null));
            }
            node.parent = toParent;
            node.name = toName;
        }
    }

    // ---------------------------------------------------------------------------------------
    // The model

    private void beforeOperation(String what) {
        trace.add(what);
        long point = operations++;
        if (crashPoints.captureAt(point)) {
            images.add(image(point, what));
        }
    }

    private static void link(Node parent, String name, Node node) {
        parent.live.put(name, node);
        parent.pending.add(new DirOp(name, node, null));
        node.parent = parent;
        node.name = name;
    }

    private static void unlink(Node node) {
        node.parent.live.remove(node.name);
        node.parent.pending.add(new DirOp(node.name, null, null));
        node.parent = null;
    }

    private Node lookup(Path real) {
        Path normalized = real.toAbsolutePath().normalize();
        if (!normalized.startsWith(root)) {
            return null;
        }
        Node node = rootNode;
        for (Path part : root.relativize(normalized)) {
            if (part.toString().isEmpty()) {
                continue;
            }
            node = node.dir ? node.live.get(part.toString()) : null;
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private Path realPath(Node node) {
        List<String> names = new ArrayList<>();
        for (Node at = node; at != rootNode; at = at.parent) {
            names.add(at.name);
        }
        Path path = root;
        for (int i = names.size() - 1; i >= 0; i--) {
            path = path.resolve(names.get(i));
        }
        return path;
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE) {
            throw new IOException("file too large for the simulated disk: " + size + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                break;
            }
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private byte[] volatileContent(Node file) {
        if (file.parent == null) {
            return file.unlinkedContent != null ? file.unlinkedContent : file.durable;
        }
        try {
            return Files.readAllBytes(realPath(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the volatile state of " + realPath(file), e);
        }
    }

    private CrashImage image(long point, String lostOperation) {
        return image(point, lostOperation, Fates.random(new Random(seed * 0x9E3779B97F4A7C15L + point)));
    }

    private CrashImage image(long point, String lostOperation, Fates fates) {
        Map<String, byte[]> files = new TreeMap<>();
        Set<String> dirs = new TreeSet<>();
        survivors(rootNode, "", fates, files, dirs, new IdentityHashMap<>());
        return new CrashImage(seed, point, lostOperation, dirs, files, events.size());
    }

    private void survivors(Node dir, String relative, Fates fates, Map<String, byte[]> files, Set<String> dirs,
                           Map<Node, byte[]> contents) {
        Map<String, Node> entries = new TreeMap<>(dir.durableEntries);
        int kept = dir.pending.isEmpty() ? 0
                : Math.max(0, Math.min(dir.pending.size(), fates.keptOperations(relative, dir.pending.size())));
        for (int i = 0; i < kept; i++) {
            dir.pending.get(i).applyTo(entries);
        }
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
            String child = relative.isEmpty() ? entry.getKey() : relative + "/" + entry.getKey();
            Node node = entry.getValue();
            if (node.dir) {
                dirs.add(child);
                survivors(node, child, fates, files, dirs, contents);
            } else {
                byte[] content = contents.get(node);
                if (content == null) {
                    byte[] current = volatileContent(node);
                    content = Arrays.equals(node.durable, current) ? node.durable
                            : fates.content(child, node.durable, current);
                    contents.put(node, content);
                }
                files.put(child, content);
            }
        }
    }

    /** How many of a directory's unsynced operations reach the disk: none, all, or a prefix. */
    private static int keptPrefix(int pending, Random random) {
        if (pending == 0) {
            return 0;
        }
        return switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> pending;
            default -> random.nextInt(pending + 1);
        };
    }

    /** The content of a file after a power loss, from its durable and its volatile content. */
    static byte[] afterPowerLoss(byte[] durable, byte[] current, Random random) {
        if (Arrays.equals(durable, current)) {
            return durable;
        }
        int fate = random.nextInt(4);
        if (fate == 0) {
            return durable;
        }
        if (fate == 1) {
            return current;
        }
        int shorter = Math.min(durable.length, current.length);
        int longer = Math.max(durable.length, current.length);
        byte[] torn;
        if (fate == 2) {
            // A prefix of the new content, the old after it, cut at any byte (not just a sector).
            int cut = shorter + random.nextInt(current.length - shorter + 1);
            torn = new byte[Math.max(cut, durable.length)];
            for (int i = 0; i < torn.length; i++) {
                torn[i] = i < cut ? current[i] : durable[i];
            }
        } else {
            // Runs of whole sectors, or of any length, each from either version.
            int length = shorter + random.nextInt(longer - shorter + 1);
            torn = new byte[length];
            boolean sectors = random.nextBoolean();
            int position = 0;
            while (position < length) {
                int run = Math.min(length - position, sectors ? 512 - position % 512 : 1 + random.nextInt(700));
                boolean fromCurrent = random.nextBoolean();
                for (int i = position; i < position + run; i++) {
                    byte[] from = fromCurrent ? current : durable;
                    torn[i] = i < from.length ? from[i] : 0;
                }
                position += run;
            }
        }
        if (torn.length > durable.length && random.nextInt(3) == 0) {
            int start = durable.length + random.nextInt(torn.length - durable.length);
            int end = start + 1 + random.nextInt(torn.length - start);
            for (int i = start; i < end; i++) {
                torn[i] = (byte) random.nextInt(256);
            }
        }
        return torn;
    }
}
