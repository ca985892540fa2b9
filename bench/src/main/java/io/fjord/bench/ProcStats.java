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
