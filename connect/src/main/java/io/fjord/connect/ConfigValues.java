package io.fjord.connect;

import org.apache.kafka.common.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads typed values out of a string map and refuses bad ones with a {@link ConfigException} that
 * names the key, the value and what was expected. Shared by the worker and connector configs.
 */
final class ConfigValues {
    private ConfigValues() {
    }

    static String requireString(Map<String, String> config, String key, String origin) {
        String value = config.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException("Missing required configuration \"" + key + "\" in " + origin);
        }
        return value.trim();
    }

    static String string(Map<String, String> config, String key, String defaultValue) {
        String value = config.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    /** A long in {@code [min, max]}; the default when unset. */
    static long longInRange(Map<String, String> config, String key, long defaultValue, long min, long max) {
        String raw = config.get(key);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, raw, "not a whole number");
        }
        if (value < min || value > max) {
            throw new ConfigException(key, raw, "must be between " + min + " and " + max);
        }
        return value;
    }

    static int intInRange(Map<String, String> config, String key, int defaultValue, int min, int max) {
        return (int) longInRange(config, key, defaultValue, min, max);
    }

    /** The entries under {@code prefix}, with the prefix taken off ({@code key.converter.schemas.enable -> schemas.enable}). */
    static Map<String, String> withPrefix(Map<String, String> config, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((key, value) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                out.put(key.substring(prefix.length()), value);
            }
        });
        return out;
    }
}
