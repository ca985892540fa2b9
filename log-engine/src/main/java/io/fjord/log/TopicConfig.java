package io.fjord.log;

import io.fjord.log.record.RecordBatchDescriptor;

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
 *
 * <p>Every topic config of Kafka 4.4 (its LogConfig) is known here, with Kafka's default, and is
 * one of: honoured (retention, segments, flushing, compaction, {@code compression.type} and its
 * levels, {@code segment.jitter.ms}, ...); accepted because no value can weaken anything on one
 * broker (replication and throttling settings, {@code preallocate}, the tiered-storage tuning
 * Kafka itself ignores while {@code remote.storage.enable=false}); or refused by name with the
 * reason, for the values Fjord cannot honour ({@code remote.storage.enable=true},
 * {@code min.insync.replicas} above 1, {@code message.timestamp.type=LogAppendTime}, ...). Names
 * Kafka 4.0 removed are refused as Kafka 4.4 refuses them. {@code durability} is Fjord's own.
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
     * The codec batches are stored in: {@code producer} keeps each batch as it arrived; {@code uncompressed},
     * {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd} makes the partition writer rewrite a batch
     * that arrives in another codec ({@link io.fjord.log.record.compress.BatchRecompressor}).
     */
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_TYPE_PRODUCER = "producer";
    public static final String DEFAULT_COMPRESSION_TYPE = COMPRESSION_TYPE_PRODUCER;
    /** {@link #compressionCodecId()} of {@code compression.type=producer}: batches keep their codec. */
    public static final int COMPRESSION_PRODUCER = -1;
    /** The level of a batch the broker compresses with gzip: 1..9, or -1 for zlib's default (6). */
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final int DEFAULT_COMPRESSION_GZIP_LEVEL = -1;
    /** 9 selects lz4's fast compressor (as Kafka does), any other level in 1..17 LZ4-HC at that level. */
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final int DEFAULT_COMPRESSION_LZ4_LEVEL = 9;
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final int DEFAULT_COMPRESSION_ZSTD_LEVEL = 3;
    /** zstd's range (its negative "fast" levels down to -131072), as Kafka accepts it. */
    public static final int MIN_COMPRESSION_ZSTD_LEVEL = -131072;
    public static final int MAX_COMPRESSION_ZSTD_LEVEL = 22;

    /**
     * The most a segment's time-based roll is brought forward, so partitions created together do not
     * all roll at once. Each segment's share is derived from its partition and base offset (stable
     * across restarts), in {@code [0, min(segment.jitter.ms, segment.ms))}.
     */
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final long DEFAULT_SEGMENT_JITTER_MS = 0;

    // Accepted because they cannot weaken anything on one broker (each says why at its check):
    // the replication settings, preallocation, and the tiered-storage tuning that Kafka itself
    // ignores while remote.storage.enable is false, which is the only value Fjord accepts.
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final int DEFAULT_MIN_INSYNC_REPLICAS = 1;
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final boolean DEFAULT_UNCLEAN_LEADER_ELECTION_ENABLE = false;
    public static final String LEADER_REPLICATION_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_REPLICATION_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";
    public static final String DEFAULT_REPLICATION_THROTTLED_REPLICAS = "";
    public static final String PREALLOCATE = "preallocate";
    public static final boolean DEFAULT_PREALLOCATE = false;
    public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";
    public static final boolean DEFAULT_REMOTE_STORAGE_ENABLE = false;
    public static final String LOCAL_RETENTION_MS = "local.retention.ms";
    public static final String LOCAL_RETENTION_BYTES = "local.retention.bytes";
    /** -2: the same as {@code retention.ms} / {@code retention.bytes}. */
    public static final long DEFAULT_LOCAL_RETENTION = -2;
    public static final String REMOTE_LOG_COPY_DISABLE = "remote.log.copy.disable";
    public static final String REMOTE_LOG_DELETE_ON_DISABLE = "remote.log.delete.on.disable";
    public static final String REMOTE_COPY_LAG_MS = "remote.copy.lag.ms";
    public static final long DEFAULT_REMOTE_COPY_LAG_MS = 0;
    public static final String REMOTE_COPY_LAG_BYTES = "remote.copy.lag.bytes";
    public static final long DEFAULT_REMOTE_COPY_LAG_BYTES = -1;

    /**
     * Kafka 4.4's bound on one decompressed record. Only its default (no bound beyond Kafka's
     * array limit) is accepted: Fjord bounds a whole decompressed batch instead, by the engine's
     * {@code maxDecompressedBatchBytes} (broker: {@code fjord.max.decompressed.batch.bytes}).
     */
    public static final String MAX_DECOMPRESSED_MESSAGE_BYTES = "max.decompressed.message.bytes";
    public static final int DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES = Integer.MAX_VALUE - 8;

    /** Marks a topic as a share group's dead-letter queue; Fjord has no share groups. */
    public static final String ERRORS_DEADLETTERQUEUE_GROUP_ENABLE = "errors.deadletterqueue.group.enable";
    public static final boolean DEFAULT_ERRORS_DEADLETTERQUEUE_GROUP_ENABLE = false;

    /** Names Kafka documented once and refuses now, with the reason Fjord gives for refusing them too. */
    private static final Map<String, String> REMOVED = Map.of(
            "message.downconversion.enable", "removed in Kafka 4.0, which no longer down-converts records for old"
                    + " consumers (Fjord never did); Kafka 4.4 refuses it as well",
            "message.format.version", "removed in Kafka 4.0: every batch is stored in message format v2");

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
    /** {@link #COMPRESSION_PRODUCER} or the batch codec id (attributes bits 0-2) to store batches in. */
    private final int compressionCodecId;
    private final int compressionLevel;
    private final long segmentJitterMs;
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
        this.segmentJitterMs = longValue(SEGMENT_JITTER_MS);
        this.compressionCodecId = codecId(value(COMPRESSION_TYPE));
        this.compressionLevel = switch (compressionCodecId) {
            case RecordBatchDescriptor.COMPRESSION_GZIP -> (int) longValue(COMPRESSION_GZIP_LEVEL);
            case RecordBatchDescriptor.COMPRESSION_LZ4 -> (int) longValue(COMPRESSION_LZ4_LEVEL);
            case RecordBatchDescriptor.COMPRESSION_ZSTD -> (int) longValue(COMPRESSION_ZSTD_LEVEL);
            default -> 0;
        };
    }

    private static int codecId(String compressionType) {
        return switch (compressionType) {
            case "uncompressed" -> RecordBatchDescriptor.COMPRESSION_NONE;
            case "gzip" -> RecordBatchDescriptor.COMPRESSION_GZIP;
            case "snappy" -> RecordBatchDescriptor.COMPRESSION_SNAPPY;
            case "lz4" -> RecordBatchDescriptor.COMPRESSION_LZ4;
            case "zstd" -> RecordBatchDescriptor.COMPRESSION_ZSTD;
            default -> COMPRESSION_PRODUCER;
        };
    }

    public static TopicConfig defaults() {
        return DEFAULT;
    }

    /**
     * Validates every entry and then the entries together ({@link #checkConsistent()}); unknown
     * names and bad values throw {@link InvalidConfigException}.
     */
    public static TopicConfig of(Map<String, String> overrides) {
        TopicConfig config = DEFAULT;
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            config = config.with(entry.getKey(), entry.getValue());
        }
        return config.checkConsistent();
    }

    /**
     * Checks the rules that tie values together, as Kafka does for a whole set of changes (so
     * {@link #with} alone, one value at a time, does not): {@code min.compaction.lag.ms} may not
     * exceed {@code max.compaction.lag.ms}. Returns this.
     */
    public TopicConfig checkConsistent() {
        if (minCompactionLagMs() > maxCompactionLagMs()) {
            throw new InvalidConfigException("Conflicting topic configs: " + MIN_COMPACTION_LAG_MS + " ("
                    + minCompactionLagMs() + ") > " + MAX_COMPACTION_LAG_MS + " (" + maxCompactionLagMs() + ")");
        }
        return this;
    }

    /** The set of config names this engine understands. */
    public static java.util.Set<String> names() {
        return DEFAULTS.keySet();
    }

    /** Whether {@code name} is one of Kafka's LIST configs (comma-separated; AlterConfigs can APPEND and SUBTRACT). */
    public static boolean isList(String name) {
        return name.equals(CLEANUP_POLICY) || name.equals(LEADER_REPLICATION_THROTTLED_REPLICAS)
                || name.equals(FOLLOWER_REPLICATION_THROTTLED_REPLICAS);
    }

    public static String defaultValue(String name) {
        Object value = DEFAULTS.get(name);
        return value == null ? null : value.toString();
    }

    public TopicConfig with(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (REMOVED.containsKey(name)) {
            throw new InvalidConfigException("Topic config '" + name + "' is not supported: " + REMOVED.get(name));
        }
        if (!DEFAULTS.containsKey(name)) {
            throw new InvalidConfigException("Unknown topic config '" + name + "'; known: " + DEFAULTS.keySet());
        }
        if (value == null) {
            return without(name);
        }
        String trimmed = value.trim();
        validate(name, trimmed);
        Map<String, String> copy = new LinkedHashMap<>(overrides);
        // Kafka parses booleans in any case and describes them as true/false.
        copy.put(name, DEFAULTS.get(name) instanceof Boolean ? trimmed.toLowerCase(java.util.Locale.ROOT) : trimmed);
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

    /**
     * The codec id (attributes bits 0-2, {@code 0} for uncompressed) batches are stored in, or
     * {@link #COMPRESSION_PRODUCER} when each keeps the producer's codec.
     */
    public int compressionCodecId() {
        return compressionCodecId;
    }

    /** The level for {@link #compressionCodecId()} (its {@code compression.<codec>.level}; 0 for codecs without). */
    public int compressionLevel() {
        return compressionLevel;
    }

    public long segmentJitterMs() {
        return segmentJitterMs;
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
            case SEGMENT_MS, FLUSH_MESSAGES -> checkRange(name, value, 1, Long.MAX_VALUE);
            case FLUSH_MS, SEGMENT_JITTER_MS -> checkRange(name, value, 0, Long.MAX_VALUE);
            case RETENTION_MS -> checkRange(name, value, -1, Long.MAX_VALUE);
            // Kafka takes any negative size as "no limit", as retention does here.
            case RETENTION_BYTES -> checkRange(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
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
            case COMPRESSION_TYPE -> checkOneOf(name, value, "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer");
            case COMPRESSION_GZIP_LEVEL -> {
                checkRange(name, value, -1, 9);
                if (value.equals("0")) {
                    throw new InvalidConfigException("Invalid value 0 for " + name + ": must be in [1, 9] or -1");
                }
            }
            case COMPRESSION_LZ4_LEVEL -> checkRange(name, value, 1, 17);
            case COMPRESSION_ZSTD_LEVEL -> checkRange(name, value, MIN_COMPRESSION_ZSTD_LEVEL, MAX_COMPRESSION_ZSTD_LEVEL);
            // One broker holds the only replica: it is always in sync and always the leader.
            case MIN_INSYNC_REPLICAS -> {
                checkRange(name, value, 1, Integer.MAX_VALUE);
                if (!value.equals("1")) {
                    throw new InvalidConfigException(name + "=" + value + " cannot be met: Fjord is a single broker"
                            + " with one replica per partition, so every acks=all write would fail");
                }
            }
            // No replica other than the leader exists that an unclean election could promote, and no
            // replication traffic exists to throttle: these change nothing on one broker.
            case UNCLEAN_LEADER_ELECTION_ENABLE -> checkBoolean(name, value);
            case LEADER_REPLICATION_THROTTLED_REPLICAS, FOLLOWER_REPLICATION_THROTTLED_REPLICAS ->
                    checkThrottledReplicas(name, value);
            // Preallocation only reserves file space up front; segments grow by append either way,
            // and no read or recovery depends on the file's length beyond what was written.
            case PREALLOCATE -> checkBoolean(name, value);
            case REMOTE_STORAGE_ENABLE -> {
                checkBoolean(name, value);
                if (value.equalsIgnoreCase("true")) {
                    throw new InvalidConfigException(name + "=true: tiered storage is not supported by Fjord;"
                            + " every segment stays on the local disk");
                }
            }
            // Tiered-storage tuning: Kafka reads these only while remote.storage.enable=true, which
            // Fjord refuses, so as in Kafka they are inert (local retention is the retention).
            case LOCAL_RETENTION_MS, LOCAL_RETENTION_BYTES -> checkRange(name, value, -2, Long.MAX_VALUE);
            case REMOTE_COPY_LAG_MS, REMOTE_COPY_LAG_BYTES -> checkRange(name, value, -1, Long.MAX_VALUE);
            case REMOTE_LOG_COPY_DISABLE, REMOTE_LOG_DELETE_ON_DISABLE -> checkBoolean(name, value);
            case MAX_DECOMPRESSED_MESSAGE_BYTES -> {
                checkRange(name, value, 1, DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES);
                if (Long.parseLong(value) != DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES) {
                    throw new InvalidConfigException(name + "=" + value + " is not supported: Fjord bounds a"
                            + " decompressed batch as a whole (broker config fjord.max.decompressed.batch.bytes),"
                            + " not each record");
                }
            }
            case ERRORS_DEADLETTERQUEUE_GROUP_ENABLE -> {
                checkBoolean(name, value);
                if (value.equalsIgnoreCase("true")) {
                    throw new InvalidConfigException(name + "=true: Fjord has no share groups, so a topic cannot"
                            + " be their dead-letter queue");
                }
            }
            default -> throw new IllegalStateException("no validation for " + name);
        }
    }

    private static void checkOneOf(String name, String value, String... allowed) {
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return;
            }
        }
        throw new InvalidConfigException("Invalid value '" + value + "' for " + name + ": expected one of "
                + String.join(", ", allowed));
    }

    /** Kafka's booleans: {@code true} or {@code false}, in any case. */
    private static void checkBoolean(String name, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new InvalidConfigException("Invalid value '" + value + "' for " + name + ": expected true or false");
        }
    }

    /**
     * Kafka's throttled-replica syntax: empty, {@code *}, or {@code partition:broker} pairs
     * separated by commas.
     */
    private static void checkThrottledReplicas(String name, String value) {
        if (value.isEmpty() || value.equals("*")) {
            return;
        }
        for (String entry : value.split(",", -1)) {
            if (!entry.trim().matches("[0-9]+:[0-9]+")) {
                throw new InvalidConfigException("Invalid value '" + value + "' for " + name + ": expected '*' or"
                        + " [partitionId]:[brokerId] pairs separated by commas");
            }
        }
    }

    /**
     * Kafka's list syntax: {@code delete}, {@code compact}, both comma-separated in either order
     * (repeats change nothing, as in Kafka), or empty: since Kafka 4.1 an empty list means no
     * policy, so segments are kept forever (neither retention nor compaction removes them).
     */
    private static void checkCleanupPolicy(String name, String value) {
        if (value.isEmpty()) {
            return;
        }
        for (String part : value.split(",", -1)) {
            String policy = part.trim();
            if (!policy.equals(CLEANUP_POLICY_DELETE) && !policy.equals(CLEANUP_POLICY_COMPACT)) {
                throw new InvalidConfigException("Invalid value '" + value + "' for " + name
                        + ": expected 'delete', 'compact', 'compact,delete', or '' (keep every segment)");
            }
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
        defaults.put(COMPRESSION_TYPE, DEFAULT_COMPRESSION_TYPE);
        defaults.put(COMPRESSION_GZIP_LEVEL, DEFAULT_COMPRESSION_GZIP_LEVEL);
        defaults.put(COMPRESSION_LZ4_LEVEL, DEFAULT_COMPRESSION_LZ4_LEVEL);
        defaults.put(COMPRESSION_ZSTD_LEVEL, DEFAULT_COMPRESSION_ZSTD_LEVEL);
        defaults.put(SEGMENT_JITTER_MS, DEFAULT_SEGMENT_JITTER_MS);
        defaults.put(MIN_INSYNC_REPLICAS, DEFAULT_MIN_INSYNC_REPLICAS);
        defaults.put(UNCLEAN_LEADER_ELECTION_ENABLE, DEFAULT_UNCLEAN_LEADER_ELECTION_ENABLE);
        defaults.put(LEADER_REPLICATION_THROTTLED_REPLICAS, DEFAULT_REPLICATION_THROTTLED_REPLICAS);
        defaults.put(FOLLOWER_REPLICATION_THROTTLED_REPLICAS, DEFAULT_REPLICATION_THROTTLED_REPLICAS);
        defaults.put(PREALLOCATE, DEFAULT_PREALLOCATE);
        defaults.put(REMOTE_STORAGE_ENABLE, DEFAULT_REMOTE_STORAGE_ENABLE);
        defaults.put(LOCAL_RETENTION_MS, DEFAULT_LOCAL_RETENTION);
        defaults.put(LOCAL_RETENTION_BYTES, DEFAULT_LOCAL_RETENTION);
        defaults.put(REMOTE_LOG_COPY_DISABLE, false);
        defaults.put(REMOTE_LOG_DELETE_ON_DISABLE, false);
        defaults.put(REMOTE_COPY_LAG_MS, DEFAULT_REMOTE_COPY_LAG_MS);
        defaults.put(REMOTE_COPY_LAG_BYTES, DEFAULT_REMOTE_COPY_LAG_BYTES);
        defaults.put(MAX_DECOMPRESSED_MESSAGE_BYTES, DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES);
        defaults.put(ERRORS_DEADLETTERQUEUE_GROUP_ENABLE, DEFAULT_ERRORS_DEADLETTERQUEUE_GROUP_ENABLE);
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
