package io.fjord.log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A topic's configuration, under Kafka's config names so tools and the wire protocol can pass them
 * through unchanged. Immutable; {@link #with(String, String)} returns a changed copy.
 *
 * <p>Only explicitly set values are stored (what Kafka calls dynamic topic configs); every getter
 * falls back to the default named next to its key.
 */
public final class TopicConfig {
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final int DEFAULT_SEGMENT_BYTES = 1 << 30;
    /** Small enough for tests that roll every few batches, large enough to hold one batch header. */
    public static final int MIN_SEGMENT_BYTES = 128;

    public static final String SEGMENT_MS = "segment.ms";
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;

    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    /** Room for a few time index entries (12 bytes each); Kafka's own floor is 4. */
    public static final int MIN_SEGMENT_INDEX_BYTES = 48;

    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

    public static final String RETENTION_MS = "retention.ms";
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    public static final String RETENTION_BYTES = "retention.bytes";
    public static final long DEFAULT_RETENTION_BYTES = -1;

    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final long DEFAULT_FLUSH_MESSAGES = Long.MAX_VALUE;

    public static final String FLUSH_MS = "flush.ms";
    public static final long DEFAULT_FLUSH_MS = Long.MAX_VALUE;

    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;

    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60_000;

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DEFAULT_CLEANUP_POLICY = "delete";
    /** {@code cleanup.policy} values: delete old segments, compact by key, or both. */
    public static final String CLEANUP_POLICY_DELETE = "delete";
    public static final String CLEANUP_POLICY_COMPACT = "compact";

    /**
     * How long a tombstone (a null value) stays readable after the cleaner first saw it, so a
     * consumer that is behind still learns of the deletion. Kafka's default: one day.
     */
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final long DEFAULT_DELETE_RETENTION_MS = 86_400_000L;

    /** Dirty bytes / non-active bytes at which a compacted log is worth cleaning. */
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final double DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;

    /** A segment is left uncompacted until its newest record is at least this old. */
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final long DEFAULT_MIN_COMPACTION_LAG_MS = 0;

    /** A dirty segment older than this is cleaned whatever the dirty ratio. */
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final long DEFAULT_MAX_COMPACTION_LAG_MS = Long.MAX_VALUE;

    /** Fjord's own: {@code none} (Kafka's default: the OS flushes) or {@code sync} (fsync before ack). */
    public static final String DURABILITY = "durability";

    /**
     * Kafka's record timestamp type. Only {@code CreateTime} (the client's timestamps, Kafka's
     * default) is served; Kafka Streams sets it explicitly on its internal topics.
     */
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String DEFAULT_MESSAGE_TIMESTAMP_TYPE = "CreateTime";
    public static final String DEFAULT_DURABILITY = "none";

    /**
     * How far a CreateTime record's timestamp may lie behind the broker's clock ({@code INVALID_TIMESTAMP}
     * past it). Kafka's default: no bound.
     */
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final long DEFAULT_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = Long.MAX_VALUE;

    /** How far a CreateTime record's timestamp may lie ahead of the broker's clock. Kafka 4's default: 1 hour. */
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final long DEFAULT_MESSAGE_TIMESTAMP_AFTER_MAX_MS = 3_600_000L;

    private static final Map<String, Object> DEFAULTS = defaults0();

    private static final TopicConfig DEFAULT = new TopicConfig(Map.of());

    private final Map<String, String> overrides;
    // Parsed once: the append path reads these on every batch (profiled: parsing them per append
    // was a visible share of broker CPU).
    private final int segmentBytes;
    private final long segmentMs;
    private final int maxMessageBytes;
    private final long flushMessages;
    private final boolean compact;
    private final boolean deleteRetention;
    private final boolean syncDurability;
    private final long timestampBeforeMaxMs;
    private final long timestampAfterMaxMs;

    private TopicConfig(Map<String, String> overrides) {
        this.overrides = overrides;
        this.segmentBytes = (int) longValue(SEGMENT_BYTES);
        this.segmentMs = longValue(SEGMENT_MS);
        this.maxMessageBytes = (int) longValue(MAX_MESSAGE_BYTES);
        this.flushMessages = longValue(FLUSH_MESSAGES);
        this.compact = policyContains(CLEANUP_POLICY_COMPACT);
        this.deleteRetention = policyContains(CLEANUP_POLICY_DELETE);
        this.syncDurability = "sync".equals(value(DURABILITY));
        this.timestampBeforeMaxMs = longValue(MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        this.timestampAfterMaxMs = longValue(MESSAGE_TIMESTAMP_AFTER_MAX_MS);
    }

    public static TopicConfig defaults() {
        return DEFAULT;
    }

    /** Validates every entry; unknown names and bad values throw {@link InvalidConfigException}. */
    public static TopicConfig of(Map<String, String> overrides) {
        TopicConfig config = DEFAULT;
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            config = config.with(entry.getKey(), entry.getValue());
        }
        return config;
    }

    /** The set of config names this engine understands. */
    public static java.util.Set<String> names() {
        return DEFAULTS.keySet();
    }

    public static String defaultValue(String name) {
        Object value = DEFAULTS.get(name);
        return value == null ? null : value.toString();
    }

    public TopicConfig with(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (!DEFAULTS.containsKey(name)) {
            throw new InvalidConfigException("Unknown topic config '" + name + "'; known: " + DEFAULTS.keySet());
        }
        if (value == null) {
            return without(name);
        }
        validate(name, value.trim());
        Map<String, String> copy = new LinkedHashMap<>(overrides);
        copy.put(name, value.trim());
        return new TopicConfig(Collections.unmodifiableMap(copy));
    }

    /** This config with every explicitly set value of {@code overrides} on top. */
    public TopicConfig overriddenBy(TopicConfig overrides) {
        if (overrides.overrides.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new LinkedHashMap<>(this.overrides);
        merged.putAll(overrides.overrides);
        return new TopicConfig(Collections.unmodifiableMap(merged));
    }

    public TopicConfig without(String name) {
        Map<String, String> copy = new LinkedHashMap<>(overrides);
        copy.remove(name);
        return new TopicConfig(Collections.unmodifiableMap(copy));
    }

    /** Values set explicitly, by name. */
    public Map<String, String> overrides() {
        return overrides;
    }

    /** The effective value of a config (explicit or default), as text. */
    public String value(String name) {
        String value = overrides.get(name);
        return value != null ? value : defaultValue(name);
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long segmentMs() {
        return segmentMs;
    }

    public int segmentIndexBytes() {
        return (int) longValue(SEGMENT_INDEX_BYTES);
    }

    public int indexIntervalBytes() {
        return (int) longValue(INDEX_INTERVAL_BYTES);
    }

    /** -1: keep forever. */
    public long retentionMs() {
        return longValue(RETENTION_MS);
    }

    /** -1: no size limit. */
    public long retentionBytes() {
        return longValue(RETENTION_BYTES);
    }

    public long flushMessages() {
        return flushMessages;
    }

    public long flushMs() {
        return longValue(FLUSH_MS);
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public long fileDeleteDelayMs() {
        return longValue(FILE_DELETE_DELAY_MS);
    }

    public String cleanupPolicy() {
        return value(CLEANUP_POLICY);
    }

    /** Whether the cleaner compacts this topic by key ({@code compact} or {@code compact,delete}). */
    public boolean compact() {
        return compact;
    }

    /** Whether retention deletes old segments ({@code delete} or {@code compact,delete}). */
    public boolean deleteRetention() {
        return deleteRetention;
    }

    private boolean policyContains(String policy) {
        for (String part : cleanupPolicy().split(",")) {
            if (part.trim().equals(policy)) {
                return true;
            }
        }
        return false;
    }

    public long deleteRetentionMs() {
        return longValue(DELETE_RETENTION_MS);
    }

    public double minCleanableDirtyRatio() {
        return Double.parseDouble(value(MIN_CLEANABLE_DIRTY_RATIO));
    }

    public long minCompactionLagMs() {
        return longValue(MIN_COMPACTION_LAG_MS);
    }

    public long maxCompactionLagMs() {
        return longValue(MAX_COMPACTION_LAG_MS);
    }

    public boolean syncDurability() {
        return syncDurability;
    }

    /** See {@link #MESSAGE_TIMESTAMP_BEFORE_MAX_MS}. */
    public long timestampBeforeMaxMs() {
        return timestampBeforeMaxMs;
    }

    /** See {@link #MESSAGE_TIMESTAMP_AFTER_MAX_MS}. */
    public long timestampAfterMaxMs() {
        return timestampAfterMaxMs;
    }

    private long longValue(String name) {
        return Long.parseLong(value(name));
    }

    private static void validate(String name, String value) {
        switch (name) {
            case SEGMENT_BYTES -> checkRange(name, value, MIN_SEGMENT_BYTES, Integer.MAX_VALUE);
            case SEGMENT_INDEX_BYTES -> checkRange(name, value, MIN_SEGMENT_INDEX_BYTES, Integer.MAX_VALUE);
            case INDEX_INTERVAL_BYTES -> checkRange(name, value, 0, Integer.MAX_VALUE);
            case MAX_MESSAGE_BYTES -> checkRange(name, value, 0, Integer.MAX_VALUE);
            case SEGMENT_MS, FLUSH_MESSAGES, FLUSH_MS -> checkRange(name, value, 1, Long.MAX_VALUE);
            case RETENTION_MS, RETENTION_BYTES -> checkRange(name, value, -1, Long.MAX_VALUE);
            case FILE_DELETE_DELAY_MS -> checkRange(name, value, 0, Long.MAX_VALUE);
            case CLEANUP_POLICY -> checkCleanupPolicy(name, value);
            case DELETE_RETENTION_MS, MIN_COMPACTION_LAG_MS -> checkRange(name, value, 0, Long.MAX_VALUE);
            case MAX_COMPACTION_LAG_MS -> checkRange(name, value, 1, Long.MAX_VALUE);
            case MESSAGE_TIMESTAMP_BEFORE_MAX_MS, MESSAGE_TIMESTAMP_AFTER_MAX_MS ->
                    checkRange(name, value, 0, Long.MAX_VALUE);
            case MIN_CLEANABLE_DIRTY_RATIO -> checkRatio(name, value);
            case DURABILITY -> {
                if (!value.equals("none") && !value.equals("sync")) {
                    throw new InvalidConfigException("Invalid value '" + value + "' for " + name
                            + ": expected 'none' or 'sync'");
                }
            }
            case MESSAGE_TIMESTAMP_TYPE -> {
                if (!value.equals("CreateTime")) {
                    throw new InvalidConfigException("Invalid value '" + value + "' for " + name
                            + ": only 'CreateTime' is supported (LogAppendTime is not implemented yet)");
                }
            }
            default -> throw new IllegalStateException("no validation for " + name);
        }
    }

    /** Kafka's list syntax: {@code delete}, {@code compact}, or both comma-separated in either order. */
    private static void checkCleanupPolicy(String name, String value) {
        String[] parts = value.split(",", -1);
        boolean valid = parts.length >= 1 && parts.length <= 2;
        for (String part : parts) {
            String policy = part.trim();
            valid &= policy.equals(CLEANUP_POLICY_DELETE) || policy.equals(CLEANUP_POLICY_COMPACT);
        }
        valid &= parts.length != 2 || !parts[0].trim().equals(parts[1].trim());
        if (!valid) {
            throw new InvalidConfigException("Invalid value '" + value + "' for " + name
                    + ": expected 'delete', 'compact', or 'compact,delete'");
        }
    }

    private static void checkRatio(String name, String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("Invalid value '" + value + "' for " + name + ": not a number");
        }
        if (!(parsed >= 0 && parsed <= 1)) {
            throw new InvalidConfigException("Invalid value " + value + " for " + name + ": must be in [0, 1]");
        }
    }

    private static void checkRange(String name, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("Invalid value '" + value + "' for " + name + ": not a number");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidConfigException("Invalid value " + parsed + " for " + name + ": must be in ["
                    + min + ", " + max + "]");
        }
    }

    private static Map<String, Object> defaults0() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put(SEGMENT_BYTES, DEFAULT_SEGMENT_BYTES);
        defaults.put(SEGMENT_MS, DEFAULT_SEGMENT_MS);
        defaults.put(SEGMENT_INDEX_BYTES, DEFAULT_SEGMENT_INDEX_BYTES);
        defaults.put(INDEX_INTERVAL_BYTES, DEFAULT_INDEX_INTERVAL_BYTES);
        defaults.put(RETENTION_MS, DEFAULT_RETENTION_MS);
        defaults.put(RETENTION_BYTES, DEFAULT_RETENTION_BYTES);
        defaults.put(FLUSH_MESSAGES, DEFAULT_FLUSH_MESSAGES);
        defaults.put(FLUSH_MS, DEFAULT_FLUSH_MS);
        defaults.put(MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES);
        defaults.put(FILE_DELETE_DELAY_MS, DEFAULT_FILE_DELETE_DELAY_MS);
        defaults.put(CLEANUP_POLICY, DEFAULT_CLEANUP_POLICY);
        defaults.put(DELETE_RETENTION_MS, DEFAULT_DELETE_RETENTION_MS);
        defaults.put(MIN_CLEANABLE_DIRTY_RATIO, DEFAULT_MIN_CLEANABLE_DIRTY_RATIO);
        defaults.put(MIN_COMPACTION_LAG_MS, DEFAULT_MIN_COMPACTION_LAG_MS);
        defaults.put(MAX_COMPACTION_LAG_MS, DEFAULT_MAX_COMPACTION_LAG_MS);
        defaults.put(DURABILITY, DEFAULT_DURABILITY);
        defaults.put(MESSAGE_TIMESTAMP_TYPE, DEFAULT_MESSAGE_TIMESTAMP_TYPE);
        defaults.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, DEFAULT_MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        defaults.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, DEFAULT_MESSAGE_TIMESTAMP_AFTER_MAX_MS);
        return Collections.unmodifiableMap(defaults);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicConfig that && overrides.equals(that.overrides);
    }

    @Override
    public int hashCode() {
        return overrides.hashCode();
    }

    @Override
    public String toString() {
        return "TopicConfig" + overrides;
    }
}
