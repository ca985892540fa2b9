package io.fjord.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and resident memory of another process, read from Linux {@code /proc}. Broker CPU is
 * the comparable cost: on a 2-core machine the client JVM saturates first, so throughput alone
 * says little about the broker, while CPU seconds per GB moved does.
 */
final class ProcStats {
    /** Clock ticks per second for /proc/[pid]/stat times; 100 on every Linux we run on. */
    static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    private ProcStats() {
    }

    /** utime + stime of the whole process (all threads), in seconds. */
    static double cpuSeconds(long pid) {
        return ticks(read(Path.of("/proc", Long.toString(pid), "stat"))) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /**
     * utime + stime per thread name (threads of one name summed, e.g. the network threads), in
     * seconds, so a workload's CPU can be attributed to network, writer, GC or JIT threads.
     * Threads that end between two snapshots drop out; good enough for a log line.
     */
    static Map<String, Double> cpuSecondsByThread(long pid) {
        Map<String, Double> byName = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException threadEnded) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                byName.merge(name, ticks(stat) / (double) CLOCK_TICKS_PER_SECOND, Double::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list threads of " + pid, e);
        }
        return byName;
    }

    /**
     * Voluntary context switches per thread name (threads of one name summed): each is the thread
     * going to sleep (park, select, futex) and so, on a request path, one wake-up to pay for. Less
     * sensitive to a noisy machine than latency, so two brokers' wake-ups per record compare well.
     */
    static Map<String, Long> voluntarySwitchesByThread(long pid) {
        Map<String, Long> byName = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String status;
                try {
                    status = Files.readString(task.resolve("status"), StandardCharsets.US_ASCII);
                } catch (IOException threadEnded) {
                    continue;
                }
                byName.merge(statusField(status, "Name:"), Long.parseLong(statusField(status, "voluntary_ctxt_switches:")),
                        Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list threads of " + pid, e);
        }
        return byName;
    }

    /** The value of the line starting with {@code key} in a /proc status file. */
    static String statusField(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(key.length()).trim();
            }
        }
        throw new IllegalArgumentException("no " + key + " in /proc status");
    }

    private static long ticks(String stat) {
        // Field 2 (comm) is in parentheses and may hold spaces: split only after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // After comm, index 0 is field 3 (state); utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** VmRSS from /proc/[pid]/status, in bytes. */
    static long rssBytes(long pid) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String kib = line.substring("VmRSS:".length()).replace("kB", "").trim();
                return Long.parseLong(kib) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /**
     * Descriptors a process holds, by what they point at: {@code /proc/[pid]/fd} lists one
     * symbolic link per descriptor ("/data/t-0/0.log", "socket:[123]", "pipe:[4]",
     * "anon_inode:[eventpoll]"). A descriptor closed between the listing and the readlink is
     * skipped: the count is a snapshot of a running broker.
     */
    record OpenFiles(int dataFiles, int otherFiles, int sockets, int other) {
        int total() {
            return dataFiles + otherFiles + sockets + other;
        }

        /** e.g. "10,213 (10,004 under the data dir, 81 other files, 3 sockets, 125 pipes/epoll/other)". */
        String describe() {
            return String.format(java.util.Locale.ROOT, "%,d (%,d under the data dir, %,d other files, %,d sockets, "
                    + "%,d pipes/epoll/other)", total(), dataFiles, otherFiles, sockets, other);
        }
    }

    /** What one descriptor's link target is; {@code dataDir} is the broker's data directory. */
    enum FdKind { DATA_FILE, OTHER_FILE, SOCKET, OTHER }

    static FdKind classify(String linkTarget, Path dataDir) {
        if (linkTarget.startsWith("socket:")) {
            return FdKind.SOCKET;
        }
        if (!linkTarget.startsWith("/")) {
            return FdKind.OTHER; // pipe:[..], anon_inode:[eventpoll], anon_inode:[eventfd], ...
        }
        // A deleted file reads "/path (deleted)": still a descriptor held, still the same place.
        return Path.of(linkTarget).startsWith(dataDir) ? FdKind.DATA_FILE : FdKind.OTHER_FILE;
    }

    static OpenFiles openFiles(long pid, Path dataDir) {
        Path absoluteDataDir = dataDir.toAbsolutePath().normalize();
        int[] counts = new int[FdKind.values().length];
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                counts[classify(target, absoluteDataDir).ordinal()]++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list descriptors of " + pid + " (process gone? not Linux?)", e);
        }
        return new OpenFiles(counts[FdKind.DATA_FILE.ordinal()], counts[FdKind.OTHER_FILE.ordinal()],
                counts[FdKind.SOCKET.ordinal()], counts[FdKind.OTHER.ordinal()]);
    }

    /** The soft "Max open files" limit the process runs under ({@code /proc/[pid]/limits}); -1 if unlimited. */
    static long maxOpenFiles(long pid) {
        return parseMaxOpenFiles(read(Path.of("/proc", Long.toString(pid), "limits")));
    }

    /** Parses {@code /proc/[pid]/limits}: "Max open files   20000   20000   files" gives 20000 (the soft limit). */
    static long parseMaxOpenFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
            }
        }
        throw new IllegalArgumentException("no 'Max open files' line in:\n" + limits);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (process gone? not Linux?)", e);
        }
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // getconf missing or odd output: fall through to the Linux default below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
