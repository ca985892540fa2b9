package io.fjord.log;

import io.fjord.log.io.FileIo;
import io.fjord.log.io.MillisClock;

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
    /** How long an append waits for room in a full writer queue before failing. */
    public static final long DEFAULT_APPEND_TIMEOUT_MS = 30_000;
    /** Kafka's {@code log.retention.check.interval.ms}. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000;
    /** How often {@code flush.ms} is checked (Kafka's {@code log.flush.scheduler.interval.ms}). */
    public static final long DEFAULT_FLUSH_CHECK_INTERVAL_MS = 1_000;
    /** Kafka's {@code log.flush.offset.checkpoint.interval.ms}. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
    /** Partitions one topic may have. */
    public static final int DEFAULT_MAX_PARTITIONS_PER_TOPIC = 10_000;

    private final Path dataDir;
    private final int writerThreads;
    private final int writerQueueCapacity;
    private final long appendTimeoutMs;
    private final long retentionCheckIntervalMs;
    private final long flushCheckIntervalMs;
    private final long checkpointIntervalMs;
    private final int maxPartitionsPerTopic;
    private final TopicConfig topicDefaults;
    private final FileIo fileIo;
    private final MillisClock clock;

    private EngineConfig(Builder builder) {
        this.dataDir = builder.dataDir;
        this.writerThreads = builder.writerThreads;
        this.writerQueueCapacity = builder.writerQueueCapacity;
        this.appendTimeoutMs = builder.appendTimeoutMs;
        this.retentionCheckIntervalMs = builder.retentionCheckIntervalMs;
        this.flushCheckIntervalMs = builder.flushCheckIntervalMs;
        this.checkpointIntervalMs = builder.checkpointIntervalMs;
        this.maxPartitionsPerTopic = builder.maxPartitionsPerTopic;
        this.topicDefaults = builder.topicDefaults;
        this.fileIo = builder.fileIo;
        this.clock = builder.clock;
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

    public static final class Builder {
        private final Path dataDir;
        private int writerThreads = DEFAULT_WRITER_THREADS;
        private int writerQueueCapacity = DEFAULT_WRITER_QUEUE_CAPACITY;
        private long appendTimeoutMs = DEFAULT_APPEND_TIMEOUT_MS;
        private long retentionCheckIntervalMs = DEFAULT_RETENTION_CHECK_INTERVAL_MS;
        private long flushCheckIntervalMs = DEFAULT_FLUSH_CHECK_INTERVAL_MS;
        private long checkpointIntervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS;
        private int maxPartitionsPerTopic = DEFAULT_MAX_PARTITIONS_PER_TOPIC;
        private TopicConfig topicDefaults = TopicConfig.defaults();
        private FileIo fileIo = FileIo.DEFAULT;
        private MillisClock clock = MillisClock.SYSTEM;

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

        public Builder topicDefaults(TopicConfig value) {
            this.topicDefaults = Objects.requireNonNull(value, "topicDefaults");
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
