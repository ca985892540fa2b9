package io.fjord.protocol.broker;

import io.fjord.log.InvalidConfigException;
import io.fjord.log.TopicConfig;

import java.util.List;
import java.util.Objects;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;

/**
 * One broker setting of {@link BrokerSettings}: its name, what values it takes, its default, one line of
 * documentation, and how a value reaches the {@link BrokerConfig} being built. The factories below parse
 * and range-check, so every setting of a type refuses a bad value with the same message naming the key and
 * what it allows ({@code num.partitions: 0 is not in [1, 10000]}).
 *
 * @param name         the key, Kafka's name where Kafka has the setting, {@code fjord.*} otherwise
 * @param allowed      what values it takes, for the README ({@code int in [1, 10000]})
 * @param defaultValue the default: a property value when {@code literalDefault}, else words (where it depends
 *                     on the machine or means "not set"); the builders hold the defaults, from the same
 *                     constants, and a test checks that setting a literal default changes nothing
 * @param literalDefault whether {@code defaultValue} is a value the setting accepts
 * @param doc          one sentence for the README
 * @param overriddenBy keys that win over this one when both are set (Kafka's precedence of
 *                     {@code log.retention.ms} over {@code .minutes} over {@code .hours}); this one is
 *                     still parsed, so a bad value is refused either way
 * @param apply        parses a value (trimmed) and sets it on the config being built
 */
record BrokerSetting(String name, String allowed, String defaultValue, boolean literalDefault, String doc,
                     List<String> overriddenBy, Apply apply) {

    /** Parses {@code value} of setting {@code key} and sets it on {@code target}. */
    @FunctionalInterface
    interface Apply {
        void apply(BrokerSettings.Target target, String key, String value);
    }

    BrokerSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(doc, "doc");
        overriddenBy = List.copyOf(overriddenBy);
        Objects.requireNonNull(apply, "apply");
    }

    /** The same setting, ignored when any of {@code keys} is set too. */
    BrokerSetting overriddenBy(String... keys) {
        return new BrokerSetting(name, allowed, defaultValue, literalDefault, doc, List.of(keys), apply);
    }

    /** A default told in words, not a value: {@code described("2, or 1 on one core")}. */
    record Described(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Described described(String text) {
        return new Described(text);
    }

    /** @param defaultValue a value the setting accepts, or {@link #described} words */
    static BrokerSetting of(String name, String allowed, Object defaultValue, String doc, Apply apply) {
        return new BrokerSetting(name, allowed, String.valueOf(defaultValue), !(defaultValue instanceof Described),
                doc, List.of(), apply);
    }

    static BrokerSetting intSetting(String name, int min, int max, Object defaultValue, String doc,
                                    ObjIntConsumer<BrokerSettings.Target> set) {
        return of(name, "int in " + range(min, max), defaultValue, doc,
                (target, key, value) -> set.accept(target, parseInt(key, value, min, max)));
    }

    static BrokerSetting longSetting(String name, long min, long max, Object defaultValue, String doc,
                                     ObjLongConsumer<BrokerSettings.Target> set) {
        return of(name, "long in " + range(min, max), defaultValue, doc,
                (target, key, value) -> set.accept(target, parseLong(key, value, min, max)));
    }

    static BrokerSetting booleanSetting(String name, boolean defaultValue, String doc,
                                        BooleanSetter set) {
        return of(name, "true or false", defaultValue, doc,
                (target, key, value) -> set.accept(target, parseBoolean(key, value)));
    }

    /**
     * A broker-wide default of a topic config, under Kafka's broker name for it ({@code log.segment.bytes}
     * for {@code segment.bytes}): {@link TopicConfig} checks the value, the refusal names both keys.
     */
    static BrokerSetting topicDefault(String name, String topicKey, String doc) {
        return of(name, "as topic config `" + topicKey + "`", TopicConfig.defaultValue(topicKey), doc,
                (target, key, value) -> target.topicDefault(key, topicKey, value));
    }

    @FunctionalInterface
    interface BooleanSetter {
        void accept(BrokerSettings.Target target, boolean value);
    }

    static String range(long min, long max) {
        return "[" + bound(min) + ", " + bound(max) + "]";
    }

    /** Integer.MAX_VALUE and Long.MAX_VALUE by name: "2147483647" says less to a reader. */
    private static String bound(long value) {
        if (value == Integer.MAX_VALUE) {
            return "2^31-1";
        }
        if (value == Long.MAX_VALUE) {
            return "2^63-1";
        }
        return Long.toString(value);
    }

    static int parseInt(String key, String value, int min, int max) {
        return (int) parseLong(key, value, min, max);
    }

    static long parseLong(String key, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": '" + value + "' is not a number (allowed: " + range(min, max)
                    + ")");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidConfigException(key + ": " + parsed + " is not in " + range(min, max));
        }
        return parsed;
    }

    static boolean parseBoolean(String key, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new InvalidConfigException(key + ": '" + value + "' is not true or false");
    }
}
