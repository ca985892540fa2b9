package io.fjord.log;

/**
 * Counters and gauges of the engine's health: the faults an operator must learn about (a full disk, a
 * corrupt file rebuilt, a half-created topic removed) are logged once and counted here, so a monitoring
 * system sees them even when nobody reads the log. One instance per {@link LogEngine}
 * ({@link LogEngine#metrics()}); the broker exports them.
 *
 * <p>Thread safety: every counter is safe to bump from any thread and to read at any time.
 */
public final class EngineMetrics {
}
