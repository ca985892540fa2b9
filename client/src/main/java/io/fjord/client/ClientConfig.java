package io.fjord.client;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;

/**
 * The client config as given (Kafka property names), with typed look-ups and their defaults.
 *
 * <p>Kafka's own {@code ProducerConfig}/{@code ConsumerConfig} are not used: they insist on
 * {@code bootstrap.servers}, which means nothing in-process, and validate dozens of network
 * settings we ignore. Unknown keys are accepted and ignored, as Kafka does (it only warns).
 *
 * <p>Immutable, thread-safe.
 */
final class ClientConfig {
    /** Fjord-only: create a topic on first use by a producer (Kafka's broker {@code auto.create.topics.enable}). */
    static final String AUTO_CREATE_TOPICS = "fjord.auto.create.topics";
    static final boolean DEFAULT_AUTO_CREATE_TOPICS = true;
    /** Fjord-only: partitions of an auto-created topic; 1 like Kafka's broker {@code num.partitions}. */
    static final String AUTO_CREATE_PARTITIONS = "fjord.num.partitions";
    static final int DEFAULT_AUTO_CREATE_PARTITIONS = 1;

    private final Map<String, Object> values;

    ClientConfig(Map<String, ?> values) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
    }

    static ClientConfig of(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        // Properties.put allows non-string values (e.g. a Serializer instance); keep those too.
        properties.forEach((k, v) -> map.putIfAbsent(String.valueOf(k), v));
        return new ClientConfig(map);
    }

    /** The raw map, for {@code Serializer.configure} and friends. */
    Map<String, Object> originals() {
        return values;
    }

    String string(String name, String defaultValue) {
        Object v = values.get(name);
        return v == null ? defaultValue : v.toString().trim();
    }

    int integer(String name, int defaultValue) {
        Object v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, v, "not an integer");
        }
    }

    long longValue(String name, long defaultValue) {
        Object v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, v, "not a long");
        }
    }

    /** An int or long setting that must be at least {@code min}. */
    long atLeast(String name, long defaultValue, long min) {
        long value = longValue(name, defaultValue);
        if (value < min) {
            throw new ConfigException(name, value, "must be at least " + min);
        }
        return value;
    }

    boolean bool(String name, boolean defaultValue) {
        Object v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(name, v, "not a boolean");
    }

    /** A comma-separated list or a {@code List} value. */
    List<String> list(String name, List<String> defaultValue) {
        Object v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(o -> o instanceof Class<?> c ? c.getName() : o.toString().trim()).toList();
        }
        return java.util.Arrays.stream(v.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * An instance of the class named by {@code name}: a Class, a class name, or an instance
     * already (Kafka accepts all three for serializers).
     */
    <T> T instance(String name, Class<T> type) {
        Object v = values.get(name);
        if (v == null) {
            throw new ConfigException("Missing required configuration \"" + name + "\" which has no default value.");
        }
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        try {
            Class<?> c = v instanceof Class<?> cls ? cls : Class.forName(v.toString().trim(), true, classLoader());
            return Utils.newInstance(c, type);
        } catch (ClassNotFoundException e) {
            throw new ConfigException(name, v, "class not found");
        } catch (KafkaException e) {
            throw new ConfigException(name, v, "cannot instantiate: " + e.getMessage());
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ClientConfig.class.getClassLoader();
    }
}
