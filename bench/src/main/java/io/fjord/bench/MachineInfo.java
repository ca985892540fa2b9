package io.fjord.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
