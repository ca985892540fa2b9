package io.fjord.log;

import java.util.Objects;

/** A topic name and a partition number; its directory is {@code <topic>-<partition>} as in Kafka. */
public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {
    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }

    public String directoryName() {
        return topic + "-" + partition;
    }

    /** Parses a partition directory name, or returns null when the name is not one. */
    public static TopicPartition parseDirectoryName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        String digits = name.substring(dash + 1);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return null;
            }
        }
        if (digits.length() > 9) {
            return null;
        }
        String topic = name.substring(0, dash);
        return TopicNames.isValid(topic) ? new TopicPartition(topic, Integer.parseInt(digits)) : null;
    }

    @Override
    public int compareTo(TopicPartition other) {
        int byTopic = topic.compareTo(other.topic);
        return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
    }

    @Override
    public String toString() {
        return directoryName();
    }
}
