package io.fjord.log;

import io.fjord.log.group.GroupConfig;
import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;
import io.fjord.log.io.ProcessDescriptors;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Engine-wide settings, each a named limit or interval with its default beside it. Immutable;
 * build with {@link #builder(Path)}.
 */
public final class EngineConfig {
    /** Writer threads; each owns a fixed subset of the partitions. Half the cores, 1 to 8. */
    public static final int DEFAULT_WRITER_THREADS =
            Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
    /** Queued appends per writer before callers feel back-pressure. */
    public static final int DEFAULT_WRITER_QUEUE_CAPACITY = 4096;
    /**
     * How long an append waits for room in a full writer queue before failing: a synchronous caller
     * waiting, or an asynchronous one back-pressured (a muted produce connection).
     */
    public static final long DEFAULT_APPEND_TIMEOUT_MS = 30_000;
    /**
     * Callers one writer keeps waiting for room in its full queue ({@code Partition.whenWriterHasRoom}):
     * about one per back-pressured partition of each muted connection; beyond it, a caller is refused at
     * once. 4,096 references: 16 KiB per writer.
     */
    public static final int DEFAULT_MAX_WRITER_ROOM_WAITERS = 4096;
    /** Kafka's {@code log.retention.check.interval.ms}. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000;
    /** How often {@code flush.ms} is checked (Kafka's {@code log.flush.scheduler.interval.ms}). */
    public static final long DEFAULT_FLUSH_CHECK_INTERVAL_MS = 1_000;
    /** Kafka's {@code log.flush.offset.checkpoint.interval.ms}. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
    /** Partitions one topic may have. */
    public static final int DEFAULT_MAX_PARTITIONS_PER_TOPIC = 10_000;

    /** Threads compacting {@code cleanup.policy=compact} logs (Kafka's {@code log.cleaner.threads}). */
    public static final int DEFAULT_CLEANER_THREADS = 1;
    /**
     * Memory for the cleaner's key to offset map, shared by all cleaner threads (Kafka's
     * {@code log.cleaner.dedupe.buffer.size} is 128 MiB; 32 MiB holds ~1.2 M keys at 24 bytes a slot
     * and 90% load, enough for most embedded uses).
     */
    public static final long DEFAULT_CLEANER_DEDUPE_BUFFER_BYTES = 32L * 1024 * 1024;
    /** Read plus write buffer of each cleaner thread; a larger batch grows it up to max.message.bytes. */
    public static final int DEFAULT_CLEANER_IO_BUFFER_BYTES = 1024 * 1024;
    /**
     * Cap on the cleaner's reads plus writes, in bytes per second across all cleaner threads
     * (Kafka's {@code log.cleaner.io.max.bytes.per.second}); Long.MAX_VALUE, the default, is no cap,
     * as in Kafka. Set it where compaction shares a disk with latency-sensitive traffic.
     */
    public static final long DEFAULT_CLEANER_IO_MAX_BYTES_PER_SECOND = Long.MAX_VALUE;
    /** How often the cleaner looks for a log to clean (Kafka's {@code log.cleaner.backoff.ms}). */
    public static final long DEFAULT_CLEANER_CHECK_INTERVAL_MS = 15_000;
    /**
     * Largest decompressed records section of one compressed batch on a compacted topic (the
     * append checks every record's key, and the cleaner rewrites the records, so both hold one
     * decompressed batch). 64 MiB: 64 times the default max.message.bytes, far beyond the
     * ratios real producers reach (text and JSON: 4-10x), while a "zip bomb" batch stops there.
     */
    public static final int DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES = 64 * 1024 * 1024;

    /**
     * Default of {@link #maxOpenFiles()}: half of this process's descriptor limit ({@code ulimit -n}),
     * leaving the other half to client connections, index files opened for a moment, checkpoints
     * and the JVM; 4,096 where the limit is unknown. 10,000 under this project's test machine's
     * limit of 20,000.
     */
    public static final int DEFAULT_MAX_OPEN_FILES = defaultMaxOpenFiles();
    /**
     * Default of {@link #maxMappedSegments()}: 20,000 segments, i.e. 40,000 index mappings, under
     * Linux's default {@code vm.max_map_count} of 65,530 with room for the JVM's own mappings.
     */
    public static final int DEFAULT_MAX_MAPPED_SEGMENTS = 20_000;
    /** Default of {@link #recoveryThreads()}: Kafka's default of {@code num.recovery.threads.per.data.dir}. */
    public static final int DEFAULT_RECOVERY_THREADS = 2;

    private final Path dataDir;
    private final int writerThreads;
    private final int writerQueueCapacity;
    private final long appendTimeoutMs;
    private final int maxWriterRoomWaiters;
    private final long retentionCheckIntervalMs;
    private final long flushCheckIntervalMs;
    private final long checkpointIntervalMs;
    private final int maxPartitionsPerTopic;
    private final int cleanerThreads;
    private final long cleanerDedupeBufferBytes;
    private final int cleanerIoBufferBytes;
    private final long cleanerCheckIntervalMs;
    private final long cleanerIoMaxBytesPerSecond;
    private final int maxDecompressedBatchBytes;
    private final int maxOpenFiles;
    private final int maxMappedSegments;
    private final int recoveryThreads;
    private final TopicConfig topicDefaults;
    private final FileIo fileIo;
    private final MillisClock clock;
    private final GroupConfig groupConfig;

    private EngineConfig(Builder builder) {
        this.dataDir = builder.dataDir;
        this.writerThreads = builder.writerThreads;
        this.writerQueueCapacity = builder.writerQueueCapacity;
        this.appendTimeoutMs = builder.appendTimeoutMs;
        this.maxWriterRoomWaiters = builder.maxWriterRoomWaiters;
        this.retentionCheckIntervalMs = builder.retentionCheckIntervalMs;
        this.flushCheckIntervalMs = builder.flushCheckIntervalMs;
        this.checkpointIntervalMs = builder.checkpointIntervalMs;
        this.maxPartitionsPerTopic = builder.maxPartitionsPerTopic;
        this.cleanerThreads = builder.cleanerThreads;
        this.cleanerDedupeBufferBytes = builder.cleanerDedupeBufferBytes;
        this.cleanerIoBufferBytes = builder.cleanerIoBufferBytes;
        this.cleanerCheckIntervalMs = builder.cleanerCheckIntervalMs;
        this.cleanerIoMaxBytesPerSecond = builder.cleanerIoMaxBytesPerSecond;
        this.maxDecompressedBatchBytes = builder.maxDecompressedBatchBytes;
        this.maxOpenFiles = builder.maxOpenFiles;
        this.maxMappedSegments = builder.maxMappedSegments;
        this.recoveryThreads = builder.recoveryThreads;
        this.topicDefaults = builder.topicDefaults;
        this.fileIo = builder.fileIo;
        this.clock = builder.clock;
        this.groupConfig = builder.groupConfig;
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public int writerThreads() {
        return writerThreads;
    }

    public int writerQueueCapacity() {
        return writerQueueCapacity;
    }

    public long appendTimeoutMs() {
        return appendTimeoutMs;
    }

    /** See {@link #DEFAULT_MAX_WRITER_ROOM_WAITERS}. */
    public int maxWriterRoomWaiters() {
        return maxWriterRoomWaiters;
    }

    public long retentionCheckIntervalMs() {
        return retentionCheckIntervalMs;
    }

    public long flushCheckIntervalMs() {
        return flushCheckIntervalMs;
    }

    public long checkpointIntervalMs() {
        return checkpointIntervalMs;
    }

    public int maxPartitionsPerTopic() {
        return maxPartitionsPerTopic;
    }

    public int cleanerThreads() {
        return cleanerThreads;
    }

    public long cleanerDedupeBufferBytes() {
        return cleanerDedupeBufferBytes;
    }

    public int cleanerIoBufferBytes() {
        return cleanerIoBufferBytes;
    }

    public long cleanerCheckIntervalMs() {
        return cleanerCheckIntervalMs;
    }

    /** See {@link #DEFAULT_CLEANER_IO_MAX_BYTES_PER_SECOND}. */
    public long cleanerIoMaxBytesPerSecond() {
        return cleanerIoMaxBytesPerSecond;
    }

    /** See {@link #DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES}. */
    public int maxDecompressedBatchBytes() {
        return maxDecompressedBatchBytes;
    }

    /**
     * Bound on the log-segment file descriptors open at once (broker key {@code fjord.max.open.files}):
     * beyond it the least recently used idle segment's descriptor is closed and reopened when
     * next needed, so the partition count is bounded by disk, not by {@code ulimit -n}. Index
     * files hold no descriptor. {@link io.fjord.log.io.ResourceCache#UNBOUNDED} keeps every
     * segment open. Default {@link #DEFAULT_MAX_OPEN_FILES}.
     */
    public int maxOpenFiles() {
        return maxOpenFiles;
    }

    /**
     * Bound on the segments whose two indexes are memory-mapped at once (broker key
     * {@code fjord.max.mapped.segments}): beyond it the least recently used idle segment's indexes
     * are unmapped and mapped again on their next use, so the partition count is not bounded by
     * {@code vm.max_map_count} either. Default {@link #DEFAULT_MAX_MAPPED_SEGMENTS}.
     */
    public int maxMappedSegments() {
        return maxMappedSegments;
    }

    /**
     * Threads that load (and after a crash recover) the partitions when the engine opens; Kafka's
     * {@code num.recovery.threads.per.data.dir}. Default {@link #DEFAULT_RECOVERY_THREADS}.
     */
    public int recoveryThreads() {
        return recoveryThreads;
    }

    private static int defaultMaxOpenFiles() {
        long limit = ProcessDescriptors.limit();
        if (limit <= 0) {
            return 4_096;
        }
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE - 1, limit / 2));
    }

    /** Topic configs used where a topic does not set its own (the broker's {@code log.*} settings). */
    public TopicConfig topicDefaults() {
        return topicDefaults;
    }

    public FileIo fileIo() {
        return fileIo;
    }

    public MillisClock clock() {
        return clock;
    }

    /** Limits and timings of the consumer-group coordinator ({@link LogEngine#groupCoordinator()}). */
    public GroupConfig groupConfig() {
        return groupConfig;
    }

    public static final class Builder {
        private final Path dataDir;
        private int writerThreads = DEFAULT_WRITER_THREADS;
        private int writerQueueCapacity = DEFAULT_WRITER_QUEUE_CAPACITY;
        private long appendTimeoutMs = DEFAULT_APPEND_TIMEOUT_MS;
        private int maxWriterRoomWaiters = DEFAULT_MAX_WRITER_ROOM_WAITERS;
        private long retentionCheckIntervalMs = DEFAULT_RETENTION_CHECK_INTERVAL_MS;
        private long flushCheckIntervalMs = DEFAULT_FLUSH_CHECK_INTERVAL_MS;
        private long checkpointIntervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS;
        private int maxPartitionsPerTopic = DEFAULT_MAX_PARTITIONS_PER_TOPIC;
        private int cleanerThreads = DEFAULT_CLEANER_THREADS;
        private long cleanerDedupeBufferBytes = DEFAULT_CLEANER_DEDUPE_BUFFER_BYTES;
        private int cleanerIoBufferBytes = DEFAULT_CLEANER_IO_BUFFER_BYTES;
        private long cleanerCheckIntervalMs = DEFAULT_CLEANER_CHECK_INTERVAL_MS;
        private long cleanerIoMaxBytesPerSecond = DEFAULT_CLEANER_IO_MAX_BYTES_PER_SECOND;
        private int maxDecompressedBatchBytes = DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES;
        private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;
        private int maxMappedSegments = DEFAULT_MAX_MAPPED_SEGMENTS;
        private int recoveryThreads = DEFAULT_RECOVERY_THREADS;
        private TopicConfig topicDefaults = TopicConfig.defaults();
        private FileIo fileIo = FileIo.DEFAULT;
        private MillisClock clock = MillisClock.SYSTEM;
        private GroupConfig groupConfig = GroupConfig.defaults();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        public Builder writerThreads(int value) {
            this.writerThreads = positive("writerThreads", value);
            return this;
        }

        public Builder writerQueueCapacity(int value) {
            this.writerQueueCapacity = positive("writerQueueCapacity", value);
            return this;
        }

        public Builder appendTimeoutMs(long value) {
            this.appendTimeoutMs = positive("appendTimeoutMs", value);
            return this;
        }

        public Builder maxWriterRoomWaiters(int value) {
            this.maxWriterRoomWaiters = positive("maxWriterRoomWaiters", value);
            return this;
        }

        public Builder retentionCheckIntervalMs(long value) {
            this.retentionCheckIntervalMs = positive("retentionCheckIntervalMs", value);
            return this;
        }

        public Builder flushCheckIntervalMs(long value) {
            this.flushCheckIntervalMs = positive("flushCheckIntervalMs", value);
            return this;
        }

        public Builder checkpointIntervalMs(long value) {
            this.checkpointIntervalMs = positive("checkpointIntervalMs", value);
            return this;
        }

        public Builder maxPartitionsPerTopic(int value) {
            this.maxPartitionsPerTopic = positive("maxPartitionsPerTopic", value);
            return this;
        }

        public Builder cleanerThreads(int value) {
            this.cleanerThreads = positive("cleanerThreads", value);
            return this;
        }

        /** At least one map slot per cleaner thread (24 bytes); tests use tiny maps to force partial passes. */
        public Builder cleanerDedupeBufferBytes(long value) {
            this.cleanerDedupeBufferBytes = positive("cleanerDedupeBufferBytes", value);
            return this;
        }

        public Builder cleanerIoBufferBytes(int value) {
            this.cleanerIoBufferBytes = positive("cleanerIoBufferBytes", value);
            return this;
        }

        public Builder cleanerCheckIntervalMs(long value) {
            this.cleanerCheckIntervalMs = positive("cleanerCheckIntervalMs", value);
            return this;
        }

        public Builder cleanerIoMaxBytesPerSecond(long value) {
            this.cleanerIoMaxBytesPerSecond = positive("cleanerIoMaxBytesPerSecond", value);
            return this;
        }

        public Builder maxDecompressedBatchBytes(int value) {
            this.maxDecompressedBatchBytes = positive("maxDecompressedBatchBytes", value);
            return this;
        }

        public Builder topicDefaults(TopicConfig value) {
            this.topicDefaults = Objects.requireNonNull(value, "topicDefaults");
            return this;
        }

        /** See {@link EngineConfig#maxOpenFiles()}; at least 1. */
        public Builder maxOpenFiles(int value) {
            this.maxOpenFiles = positive("maxOpenFiles", value);
            return this;
        }

        /** See {@link EngineConfig#maxMappedSegments()}; at least 1. */
        public Builder maxMappedSegments(int value) {
            this.maxMappedSegments = positive("maxMappedSegments", value);
            return this;
        }

        /** See {@link EngineConfig#recoveryThreads()}; at least 1. */
        public Builder recoveryThreads(int value) {
            this.recoveryThreads = positive("recoveryThreads", value);
            return this;
        }

        public Builder fileIo(FileIo value) {
            this.fileIo = Objects.requireNonNull(value, "fileIo");
            return this;
        }

        public Builder clock(MillisClock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder groupConfig(GroupConfig value) {
            this.groupConfig = Objects.requireNonNull(value, "groupConfig");
            return this;
        }

        public EngineConfig build() {
            return new EngineConfig(this);
        }

        private static <T extends Number> T positive(String name, T value) {
            if (value.longValue() < 1) {
                throw new InvalidConfigException(name + " must be >= 1: " + value);
            }
            return value;
        }
    }
}
