package org.apache.kafka.common.utils;

/**
 * Test-only bridge: Kafka's FileStream connectors are served up to 4.3.1, which call
 * {@code org.apache.kafka.common.utils.AppInfoParser.getVersion()}; kafka-clients 4.4.0 moved the
 * class to {@code ...utils.internals}. Their {@code version()} is the only use, so this one method
 * is all that is bridged. Remove when connect-file 4.4.0 is available.
 */
public final class AppInfoParser {
    private AppInfoParser() {
    }

    public static String getVersion() {
        return org.apache.kafka.common.utils.internals.AppInfoParser.getVersion();
    }
}
