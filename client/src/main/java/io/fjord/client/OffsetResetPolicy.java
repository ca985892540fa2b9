package io.fjord.client;

import java.util.Locale;

import org.apache.kafka.common.config.ConfigException;

/** Kafka's {@code auto.offset.reset}: where a partition without a valid position starts. */
enum OffsetResetPolicy {
    EARLIEST, LATEST, NONE;

    static OffsetResetPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // Kafka 4 also has "by_duration:<ISO-8601>"; not implemented here.
            throw new ConfigException("auto.offset.reset", value, "supported: earliest, latest, none");
        }
    }
}
