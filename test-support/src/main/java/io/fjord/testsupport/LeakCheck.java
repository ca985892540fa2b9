package io.fjord.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class that leaves threads running or file descriptors open once all its tests are
 * done. Registered for every test class of every module (JUnit's extension auto-detection, switched
 * on in the root pom's surefire configuration; this class is listed in
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}).
 *
 * <p>Before the class: a snapshot of the live threads and (on Linux, through {@code /proc/self/fd})
 * of the open descriptors. After it: what is new must be gone. Closing is often asynchronous (an
 * executor's threads end after {@code shutdown()} returns, a client closes its socket on its own
 * thread), so the check waits for the leftovers to go away, bounded by {@link #SETTLE}, and only then
 * fails, naming each thread with its stack top or each descriptor with what it points to.
 *
 * <p>What the JDK, Maven's surefire and JUnit start once per JVM and keep (a reference handler, the
 * common fork-join pool, the jar files of lazily loaded classes, ...) is not a leak of the test and
 * is ignored: see {@link #JVM_THREADS} and {@link #isJvmDescriptor}. {@code -Dfjord.test.leakCheck=false}
 * turns the check off for a run that hunts something else.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    /** How long leftovers may take to go away after the last test of the class. A hang guard, not a speed claim. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);
    private static final Path OPEN_DESCRIPTORS = Path.of("/proc/self/fd");
    /**
     * Unix-domain sockets: neither Fjord nor its tests open any (NIO pipes and selectors use pipes and
     * eventfds on Linux), while the JVM's attach listener (jcmd, a profiler) and the C library's
     * name-service modules (a user or host lookup through nss-systemd) open and keep them.
     */
    private static final String UNIX_SOCKET = "(unix:";

    /** Threads the JVM, surefire and JUnit start for themselves and keep for the life of the JVM. */
    private static final Pattern JVM_THREADS = Pattern.compile(String.join("|",
            "Reference Handler", "Finalizer", "Signal Dispatcher", "Common-Cleaner", "Attach Listener",
            "Notification Thread", "process reaper.*", "ForkJoinPool\\.commonPool-worker-\\d+",
            "surefire-forkedjvm-.*", "junit-jupiter-timeout-watcher", "Keep-Alive-Timer",
            "JFR .*", "RMI .*", "JMX .*", "Java2D Disposer", "Timer-\\d+ \\(JMX\\)",
            "InnocuousThread-\\d+", "Cleaner-\\d+", "kafka-tools-oracle-.*"));

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!enabled()) {
            return;
        }
        context.getStore(NAMESPACE).put(Snapshot.class, new Snapshot(liveThreads(), openDescriptors()));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Snapshot before = context.getStore(NAMESPACE).remove(Snapshot.class, Snapshot.class);
        if (before == null) {
            return;
        }
        Waits.Deadline deadline = Waits.deadline(SETTLE);
        List<Thread> threads;
        Map<Integer, String> descriptors;
        while (true) {
            threads = newThreads(before.threads);
            descriptors = newDescriptors(before.descriptors);
            if ((threads.isEmpty() && descriptors.isEmpty()) || deadline.passed()) {
                break;
            }
            Thread.sleep(20);
        }
        if (!threads.isEmpty() || !descriptors.isEmpty()) {
            fail(context.getDisplayName() + " leaked, " + SETTLE.toSeconds() + " s after its last test:"
                    + describeThreads(threads) + describeDescriptors(descriptors));
        }
    }

    private static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty("fjord.test.leakCheck", "true").trim());
    }

    private static List<Thread> newThreads(Set<Thread> before) {
        Predicate<Thread> jvm = thread -> JVM_THREADS.matcher(thread.getName()).matches();
        return liveThreads().stream().filter(t -> !before.contains(t)).filter(jvm.negate()).toList();
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    private static Map<Integer, String> newDescriptors(Map<Integer, String> before) {
        Map<Integer, String> now = openDescriptors();
        Map<Integer, String> added = new HashMap<>();
        now.forEach((fd, target) -> {
            if (!target.equals(before.get(fd)) && !isJvmDescriptor(target)) {
                String described = target + describeSocket(target);
                if (!described.contains(UNIX_SOCKET)) {
                    added.put(fd, described);
                }
            }
        });
        return added;
    }

    /**
     * Descriptors the JVM opens lazily and keeps: the jar files and class-data archives classes are
     * loaded from, the JDK's modules image and native libraries, the random devices, and the font
     * files Java2D keeps open once it has drawn text (the benchmark report's charts).
     */
    static boolean isJvmDescriptor(String target) {
        return target.endsWith(".jar") || target.endsWith(".jsa") || target.endsWith("/lib/modules")
                || target.contains("/fonts/")
                || target.endsWith(".so") || target.contains(".so.") || target.startsWith("/dev/")
                || target.startsWith("/proc/") || target.startsWith("/sys/") || target.equals("?");
    }

    /** fd number to what it points to ("socket:[123]", "/tmp/x/0.log"); empty where /proc is missing. */
    private static Map<Integer, String> openDescriptors() {
        Map<Integer, String> open = new HashMap<>();
        if (!Files.isDirectory(OPEN_DESCRIPTORS)) {
            return open;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(OPEN_DESCRIPTORS)) {
            for (Path fd : fds) {
                try {
                    open.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException | NumberFormatException gone) {
                    // closed while listing (the listing's own descriptor among them)
                }
            }
        } catch (IOException e) {
            return open;
        }
        return open;
    }

    private static String describeThreads(List<Thread> threads) {
        StringBuilder out = new StringBuilder();
        for (Thread thread : threads) {
            StackTraceElement[] stack = thread.getStackTrace();
            out.append("\n  thread '").append(thread.getName()).append("' (").append(thread.getState())
                    .append(thread.isDaemon() ? ", daemon" : "").append(")");
            Arrays.stream(stack).limit(6).forEach(frame -> out.append("\n      at ").append(frame));
        }
        return out.toString();
    }

    private static String describeDescriptors(Map<Integer, String> descriptors) {
        List<String> lines = new ArrayList<>();
        descriptors.forEach((fd, target) -> lines.add("\n  fd " + fd + " -> " + target));
        lines.sort(null);
        return String.join("", lines);
    }

    /** For "socket:[inode]", the kernel's line for it (protocol, hex local and remote address, state). */
    private static String describeSocket(String target) {
        if (!target.startsWith("socket:[")) {
            return "";
        }
        String inode = target.substring("socket:[".length(), target.length() - 1);
        for (String table : List.of("tcp", "tcp6", "udp", "udp6", "unix")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/net", table))) {
                    List<String> fields = Arrays.asList(line.trim().split("\\s+"));
                    if (fields.contains(inode)) {
                        return " (" + table + ": " + line.trim() + ")";
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or the table is gone: the inode alone must do
            }
        }
        return "";
    }

    private record Snapshot(Set<Thread> threads, Map<Integer, String> descriptors) {
    }
}
