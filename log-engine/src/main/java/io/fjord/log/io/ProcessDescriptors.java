package io.fjord.log.io;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This process's file-descriptor limit ({@code ulimit -n}, RLIMIT_NOFILE) and use, as the JVM
 * reports them on Unix; -1 where it does not (the engine then skips what depends on them).
 */
public final class ProcessDescriptors {
    private ProcessDescriptors() {
    }

    /** The soft limit on open descriptors, or -1 if unknown. */
    public static long limit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Descriptors open now (files, sockets, pipes, the JVM's own), or -1 if unknown. */
    public static long open() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        return -1;
    }
}
