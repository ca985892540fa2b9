package io.fjord.protocol.broker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The error text for a broker key that is neither Fjord's ({@link BrokerSettings}) nor Kafka's
 * ({@link KafkaBrokerConfigTable}): the closest known names first, by edit distance, so a typo shows its
 * fix at the start of the line, then every name Fjord sets, so the reader sees what exists.
 *
 * <p>Thread safety: stateless.
 */
final class UnknownSettingMessage {
    /** Closest names shown first; a few is what a reader scans for a typo's fix. */
    static final int CLOSEST_SHOWN = 3;

    private UnknownSettingMessage() {
    }

    static String of(String key) {
        Set<String> known = new TreeSet<>(BrokerSettings.names());
        known.addAll(KafkaBrokerConfigTable.kafkaKeys());
        List<String> closest = closest(key, known, CLOSEST_SHOWN);
        List<String> fjords = new ArrayList<>(new TreeSet<>(BrokerSettings.names()));
        return "Unknown broker config '" + key + "': neither Fjord's nor one of Kafka "
                + KafkaBrokerConfigTable.KAFKA_VERSION + "'s broker configs; closest known: "
                + String.join(", ", closest) + "; Fjord's settings: " + String.join(", ", fjords);
    }

    /** The {@code count} names nearest to {@code key} by edit distance, nearest first, ties by name. */
    static List<String> closest(String key, Set<String> names, int count) {
        return names.stream()
                .sorted(Comparator.<String>comparingInt(name -> EditDistance.between(key, name)).thenComparing(name -> name))
                .limit(count)
                .toList();
    }
}
