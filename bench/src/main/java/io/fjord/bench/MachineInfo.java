package io.fjord.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The machine a run happened on, as the commands a reader would type to compare theirs. */
final class MachineInfo {
    private MachineInfo() {
    }

    static List<String> describe() {
        return List.of(
                "`nproc`: " + run("nproc"),
                "CPU (`lscpu`): " + run("sh", "-c", "lscpu | grep -E '^Model name' | sed 's/Model name:[[:space:]]*//'"),
                "memory (`free -h`): " + run("sh", "-c", "free -h | awk '/^Mem:/ {print $2 \" total, \" $7 \" available\"}'"),
                "JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                "load average at the end (`/proc/loadavg`): " + run("cat", "/proc/loadavg"));
    }

    /** The 1, 5 and 15 minute load averages now: was the machine quiet? */
    static String loadAverage() {
        return run("cat", "/proc/loadavg");
    }

    /** The commit of {@code root} measured, e.g. "0c7bd4c" or "0c7bd4c + uncommitted changes". */
    static String commit(Path root) {
        String head = run("git", "-C", root.toString(), "rev-parse", "--short", "HEAD");
        String dirty = run("git", "-C", root.toString(), "status", "--porcelain", "--untracked-files=no");
        return dirty.equals("(unknown)") ? head : head + " + uncommitted changes";
    }

    /** The shell's open-file limit (soft/hard), what a user's broker would inherit. */
    static String shellOpenFileLimit() {
        return run("sh", "-c", "echo \"$(ulimit -Sn) soft / $(ulimit -Hn) hard\"");
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(10, TimeUnit.SECONDS);
            return out.isEmpty() ? "(unknown)" : out.replace('\n', ' ');
        } catch (IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
