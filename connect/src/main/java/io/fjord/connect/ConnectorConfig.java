package io.fjord.connect;

import org.apache.kafka.common.config.ConfigException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.fjord.connect.ConfigValues.intInRange;
import static io.fjord.connect.ConfigValues.requireString;

/**
 * One connector's properties file, as in Kafka's standalone mode: {@code name},
 * {@code connector.class}, {@code tasks.max}, {@code topics} for a sink, and the connector's own
 * keys, which are passed to it unchanged. Immutable.
 */
public final class ConnectorConfig {
    public static final String NAME = "name";
    public static final String CONNECTOR_CLASS = "connector.class";
    public static final String TASKS_MAX = "tasks.max";
    public static final int DEFAULT_TASKS_MAX = 1;
    public static final String TOPICS = "topics";
    public static final String TOPICS_REGEX = "topics.regex";
    /** Per-connector converter overrides, as in Kafka. */
    public static final String KEY_CONVERTER = "key.converter";
    public static final String VALUE_CONVERTER = "value.converter";
    public static final String HEADER_CONVERTER = "header.converter";
    /** Kafka's single message transforms: not implemented; refused rather than silently skipped. */
    public static final String TRANSFORMS = "transforms";
    public static final String PREDICATES = "predicates";

    private final Map<String, String> originals;
    private final String name;
    private final String connectorClass;
    private final int tasksMax;

    private ConnectorConfig(Map<String, String> config) {
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        this.name = requireString(config, NAME, "a connector config");
        String origin = "the config of connector \"" + name + "\"";
        if (name.contains("/") || name.chars().anyMatch(Character::isISOControl)) {
            throw new ConfigException(NAME, name, "a connector name may not contain '/' or control characters");
        }
        this.connectorClass = requireString(config, CONNECTOR_CLASS, origin);
        this.tasksMax = intInRange(config, TASKS_MAX, DEFAULT_TASKS_MAX, 1, Integer.MAX_VALUE);
        for (String unsupported : List.of(TRANSFORMS, PREDICATES)) {
            String value = config.get(unsupported);
            if (value != null && !value.isBlank()) {
                throw new ConfigException(unsupported, value,
                        "single message transforms and predicates are not supported by Fjord's Connect worker yet");
            }
        }
        String regex = config.get(TOPICS_REGEX);
        if (regex != null && !regex.isBlank()) {
            throw new ConfigException(TOPICS_REGEX, regex, "not supported by Fjord's Connect worker; list the topics in \""
                    + TOPICS + "\"");
        }
    }

    /** Parses and checks {@code config}; throws {@link ConfigException} naming the first bad key. */
    public static ConnectorConfig of(Map<String, String> config) {
        return new ConnectorConfig(config);
    }

    public String name() {
        return name;
    }

    public String connectorClass() {
        return connectorClass;
    }

    public int tasksMax() {
        return tasksMax;
    }

    /** The topics a sink reads, from the comma-separated {@code topics}; required for sinks. */
    public List<String> topics() {
        String raw = requireString(originals, TOPICS, "the config of sink connector \"" + name + "\"");
        List<String> topics = java.util.Arrays.stream(raw.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .toList();
        if (topics.isEmpty()) {
            throw new ConfigException(TOPICS, raw, "list at least one topic");
        }
        return topics;
    }

    public Map<String, String> originals() {
        return originals;
    }
}
