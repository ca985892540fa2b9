package io.fjord.log.io;

/** Wall-clock milliseconds, behind an interface so tests can drive segment rolls and retention. */
@FunctionalInterface
public interface MillisClock {
    MillisClock SYSTEM = System::currentTimeMillis;

    long nowMs();
}
