package io.fjord.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every child the harness forks, killed by a shutdown hook if the harness itself is interrupted
 * (Ctrl-C, a test timeout): a stray 1 GiB broker would skew the next run on a 2-core machine.
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "fjord-bench-kill-children"));
    }

    private ChildProcesses() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }
}
