package io.fjord.protocol.broker;

import static io.fjord.protocol.broker.BrokerSetting.booleanSetting;
import static io.fjord.protocol.broker.BrokerSetting.described;
import static io.fjord.protocol.broker.BrokerSetting.intSetting;
import static io.fjord.protocol.broker.BrokerSetting.longSetting;
import static io.fjord.protocol.broker.BrokerSetting.of;
import static io.fjord.protocol.broker.BrokerSetting.topicDefault;

import io.fjord.log.EngineConfig;
import io.fjord.log.InvalidConfigException;
import io.fjord.log.TopicConfig;
import io.fjord.log.group.GroupConfig;
import io.fjord.protocol.metrics.HttpListener;
import io.fjord.net.NetConfig;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every broker setting Fjord reads, in one table: the parser ({@link #read}), the error for an unknown
 * key ({@link UnknownSettingMessage}) and the README's list ({@link BrokerSettingsDoc}) all come from
 * {@link #ALL}, so they cannot drift apart.
 *
 * <p>Adding a setting is one entry in {@link #ALL}: its key, range, default (the constant the builder
 * starts from), one sentence of doc, and the setter it calls on {@link Target}; then regenerate the
 * README section (the command is in {@code BrokerSettingsReadmeTest}'s failure message).
 *
 * <p>Kafka's broker keys that are not in this table are ignored with a warning or refused with the reason
 * by {@link KafkaBrokerConfigTable}; cluster-shape keys ({@code process.roles}, the controller quorum,
 * listener names) are settled before this by {@link KafkaServerProperties}.
 *
 * <p>Thread safety: immutable.
 */
final class BrokerSettings {
    private static final System.Logger LOG = System.getLogger(BrokerSettings.class.getName());
    private static final long MS_PER_MINUTE = 60_000;
    private static final long MS_PER_HOUR = 3_600_000;
    private static final String SOCKET_BUFFER_RANGE = BrokerSetting.range(1, Integer.MAX_VALUE) + " or "
            + NetConfig.OS_DEFAULT_SOCKET_BUFFER;

    /** In the order the README lists them; settings are applied in this order too. */
    static final List<BrokerSetting> ALL = List.of(
            // The node and its listener.
            of("listeners", "`PLAINTEXT://host:port`, one listener",
                    "PLAINTEXT://" + BrokerConfig.DEFAULT_HOST + ":" + BrokerConfig.DEFAULT_PORT,
                    "The address the broker binds; an empty host binds " + BrokerConfig.DEFAULT_HOST
                            + ", port 0 picks a free port.",
                    (target, key, value) -> {
                        BrokerConfig.Listener listener = BrokerConfig.Listener.parse(key, value);
                        target.builder.listener(listener.host(), listener.port());
                    }),
            of("advertised.listeners", "`PLAINTEXT://host:port`, one listener", described("the bound address"),
                    "The address clients are told to connect to (NAT, containers).",
                    (target, key, value) -> {
                        BrokerConfig.Listener listener = BrokerConfig.Listener.parse(key, value);
                        target.builder.advertised(listener.host(), listener.port());
                    }),
            of("log.dirs", "one directory", BrokerConfig.DEFAULT_DATA_DIR,
                    "The data directory (relative to the working directory); the engine locks it.",
                    BrokerSettings::dataDir),
            of("log.dir", "one directory", BrokerConfig.DEFAULT_DATA_DIR,
                    "Kafka's older name of `log.dirs`.",
                    BrokerSettings::dataDir).overriddenBy("log.dirs"),
            intSetting("node.id", 0, Integer.MAX_VALUE, BrokerConfig.DEFAULT_NODE_ID,
                    "This node's id, as Metadata reports it.", (target, id) -> target.builder.nodeId(id)),
            intSetting("broker.id", 0, Integer.MAX_VALUE, BrokerConfig.DEFAULT_NODE_ID,
                    "Kafka's older name of `node.id`.",
                    (target, id) -> target.builder.nodeId(id)).overriddenBy("node.id"),
            intSetting("num.partitions", 1, 10_000, BrokerConfig.DEFAULT_NUM_PARTITIONS,
                    "Partitions of a topic created on first use.",
                    (target, count) -> target.builder.numPartitions(count)),
            booleanSetting("auto.create.topics.enable", BrokerConfig.DEFAULT_AUTO_CREATE_TOPICS,
                    "A Metadata request naming an unknown topic creates it (when the client allows it).",
                    (target, enabled) -> target.builder.autoCreateTopics(enabled)),

            // Fetch waits.
            intSetting("fjord.max.waiting.fetches", 0, 1_000_000, BrokerConfig.DEFAULT_MAX_WAITING_FETCHES,
                    "Fetches waiting for data (long polls) held at once; beyond it a fetch is answered at once.",
                    (target, count) -> target.builder.maxWaitingFetches(count)),
            intSetting("fjord.max.fetch.wait.ms", 0, 600_000, BrokerConfig.DEFAULT_MAX_FETCH_WAIT_MS,
                    "Upper bound on a fetch's `max_wait_ms`, whatever the client asks.",
                    (target, ms) -> target.builder.maxFetchWaitMs(ms)),
            of(HttpListener.CONFIG, "`http://host:port` (port 0 picks a free port) or `none`",
                    "http://" + HttpListener.DEFAULT_HOST + ":" + HttpListener.DEFAULT_PORT,
                    "Where `/metrics` (Prometheus) and `/health` are served; port 0 when the Kafka listener's "
                            + "port is 0 and this is not set.",
                    (target, key, value) -> {
                        target.builder.httpListener(HttpListener.parse(value));
                        target.httpListenerSet = true;
                    }),
            intSetting("fjord.admin.threads", 1, 64, BrokerConfig.DEFAULT_ADMIN_THREADS,
                    "Threads running the admin requests that wait on the disk (CreateTopics, DeleteTopics, "
                            + "CreatePartitions, AlterConfigs, IncrementalAlterConfigs, DeleteRecords, InitProducerId, "
                            + "Metadata that creates a topic).",
                    (target, n) -> target.builder.adminThreads(n)),
            intSetting("fjord.max.queued.admin.requests", 0, 1_000_000, BrokerConfig.DEFAULT_MAX_QUEUED_ADMIN_REQUESTS,
                    "Admin requests waiting for an admin thread; beyond it a request is answered REQUEST_TIMED_OUT "
                            + "at once.",
                    (target, n) -> target.builder.maxQueuedAdminRequests(n)),

            // Network.
            intSetting("socket.request.max.bytes", 1024, Integer.MAX_VALUE, NetConfig.DEFAULT_MAX_FRAME_BYTES,
                    "Largest request accepted; checked before its buffer is allocated.",
                    (target, bytes) -> target.builder.net().maxFrameBytes(bytes)),
            intSetting("max.connections", 1, Integer.MAX_VALUE, NetConfig.DEFAULT_MAX_CONNECTIONS,
                    "Client connections open at once; more are closed on accept.",
                    (target, count) -> target.builder.net().maxConnections(count)),
            longSetting("connections.max.idle.ms", 1, Long.MAX_VALUE, NetConfig.DEFAULT_IDLE_TIMEOUT_MS,
                    "A connection with no byte read or written this long is closed.",
                    (target, ms) -> target.builder.net().idleTimeoutMs(ms)),
            intSetting("num.network.threads", 1, 64, described("2, or 1 on one core"),
                    "Selector threads; each serves its connections and never blocks.",
                    (target, count) -> target.builder.net().selectorThreads(count)),
            of("socket.send.buffer.bytes", "int in " + SOCKET_BUFFER_RANGE, NetConfig.OS_DEFAULT_SOCKET_BUFFER,
                    "SO_SNDBUF; -1 keeps the OS's autotuning (Kafka's fixed 100 KiB doubled the broker's CPU "
                            + "per GB consumed in our measurement).",
                    (target, key, value) -> target.builder.net().socketSendBufferBytes(socketBuffer(key, value))),
            of("socket.receive.buffer.bytes", "int in " + SOCKET_BUFFER_RANGE, NetConfig.OS_DEFAULT_SOCKET_BUFFER,
                    "SO_RCVBUF; -1 keeps the OS's autotuning.",
                    (target, key, value) -> target.builder.net().socketReceiveBufferBytes(socketBuffer(key, value))),
            longSetting("fjord.frame.pool.bytes", 0, Long.MAX_VALUE, NetConfig.DEFAULT_FRAME_POOL_BYTES,
                    "Idle pooled direct receive buffers kept for reuse; 0 reads every request into the heap.",
                    (target, bytes) -> target.builder.net().framePoolBytes(bytes)),
            intSetting("fjord.max.pooled.frame.bytes", NetConfig.MIN_POOLED_FRAME_BYTES, 1 << 30,
                    NetConfig.DEFAULT_MAX_POOLED_FRAME_BYTES,
                    "Largest request read into a pooled buffer; larger ones are read into the heap.",
                    (target, bytes) -> target.builder.net().maxPooledFrameBytes(bytes)),
            intSetting("fjord.log.rate.limit.per.minute", 0, Integer.MAX_VALUE,
                    NetConfig.DEFAULT_LOG_LINES_PER_CAUSE_PER_MINUTE,
                    "Log lines per minute for each kind of client-caused event (refused request, invalid "
                            + "frame, ...), then one summary line.",
                    (target, lines) -> target.builder.net().logLinesPerCausePerMinute(lines)),

            // The engine.
            intSetting("fjord.max.decompressed.batch.bytes", 1024, Integer.MAX_VALUE,
                    EngineConfig.DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES,
                    "How far a compacted topic's append may decompress one batch to check that every record "
                            + "has a key.",
                    (target, bytes) -> target.builder.engine(engine -> engine.maxDecompressedBatchBytes(bytes))),
            intSetting("fjord.max.open.files", 1, Integer.MAX_VALUE, described("half of `ulimit -n`, 4096 if unknown"),
                    "Segment file descriptors open at once; beyond it the least recently used idle one is closed "
                            + "and reopened when next needed.",
                    (target, files) -> target.builder.engine(engine -> engine.maxOpenFiles(files))),
            intSetting("fjord.max.mapped.segments", 1, Integer.MAX_VALUE, EngineConfig.DEFAULT_MAX_MAPPED_SEGMENTS,
                    "Segments whose indexes are memory-mapped at once; beyond it the least recently used idle "
                            + "ones are unmapped (keeps under Linux's `vm.max_map_count`).",
                    (target, segments) -> target.builder.engine(engine -> engine.maxMappedSegments(segments))),
            intSetting("num.recovery.threads.per.data.dir", 1, 64, EngineConfig.DEFAULT_RECOVERY_THREADS,
                    "Threads that load (and after a crash recover) the partitions when the engine opens.",
                    (target, threads) -> target.builder.engine(engine -> engine.recoveryThreads(threads))),
            intSetting("log.cleaner.threads", 1, 64, EngineConfig.DEFAULT_CLEANER_THREADS,
                    "Threads compacting `cleanup.policy=compact` logs.",
                    (target, threads) -> target.builder.engine(engine -> engine.cleanerThreads(threads))),
            longSetting("log.cleaner.dedupe.buffer.size", 1024, Long.MAX_VALUE,
                    EngineConfig.DEFAULT_CLEANER_DEDUPE_BUFFER_BYTES,
                    "Memory for the cleaner's key to offset map, shared by its threads.",
                    (target, bytes) -> target.builder.engine(engine -> engine.cleanerDedupeBufferBytes(bytes))),
            intSetting("log.cleaner.io.buffer.size", 1024, Integer.MAX_VALUE,
                    EngineConfig.DEFAULT_CLEANER_IO_BUFFER_BYTES,
                    "Read plus write buffer of each cleaner thread.",
                    (target, bytes) -> target.builder.engine(engine -> engine.cleanerIoBufferBytes(bytes))),
            longSetting("log.cleaner.backoff.ms", 1, Long.MAX_VALUE, EngineConfig.DEFAULT_CLEANER_CHECK_INTERVAL_MS,
                    "How often the cleaner looks for a log to clean.",
                    (target, ms) -> target.builder.engine(engine -> engine.cleanerCheckIntervalMs(ms))),
            of("log.cleaner.io.max.bytes.per.second", "number >= 1", Double.MAX_VALUE,
                    "Cap on the cleaner's reads plus writes; the default (Kafka's) is no cap.",
                    (target, key, value) -> {
                        long rate = parseBytesPerSecond(key, value);
                        target.builder.engine(engine -> engine.cleanerIoMaxBytesPerSecond(rate));
                    }),

            // Broker-wide defaults of topic configs, under Kafka's broker names (its ServerTopicConfigSynonyms).
            topicDefault("log.segment.bytes", TopicConfig.SEGMENT_BYTES, "Size at which a segment is rolled."),
            topicDefault("log.roll.ms", TopicConfig.SEGMENT_MS, "Age at which a segment is rolled."),
            of("log.roll.hours", "long >= 1", TopicConfig.DEFAULT_SEGMENT_MS / MS_PER_HOUR,
                    "`log.roll.ms` in hours.",
                    (target, key, value) -> target.topicDefault(key, TopicConfig.SEGMENT_MS,
                            toMs(key, value, 1, MS_PER_HOUR))).overriddenBy("log.roll.ms"),
            topicDefault("log.roll.jitter.ms", TopicConfig.SEGMENT_JITTER_MS,
                    "Random jitter subtracted from a segment's roll age."),
            topicDefault("log.index.size.max.bytes", TopicConfig.SEGMENT_INDEX_BYTES,
                    "Size of a segment's offset and time indexes."),
            topicDefault("log.index.interval.bytes", TopicConfig.INDEX_INTERVAL_BYTES,
                    "Bytes between offset index entries."),
            topicDefault("log.retention.ms", TopicConfig.RETENTION_MS,
                    "Age after which a segment is deleted; -1 keeps segments forever."),
            of("log.retention.minutes", "long >= -1", described("unset"),
                    "`log.retention.ms` in minutes (-1: forever).",
                    (target, key, value) -> target.topicDefault(key, TopicConfig.RETENTION_MS,
                            toMs(key, value, -1, MS_PER_MINUTE))).overriddenBy("log.retention.ms"),
            of("log.retention.hours", "long >= -1", TopicConfig.DEFAULT_RETENTION_MS / MS_PER_HOUR,
                    "`log.retention.ms` in hours (-1: forever).",
                    (target, key, value) -> target.topicDefault(key, TopicConfig.RETENTION_MS,
                            toMs(key, value, -1, MS_PER_HOUR))).overriddenBy("log.retention.ms", "log.retention.minutes"),
            topicDefault("log.retention.bytes", TopicConfig.RETENTION_BYTES,
                    "Size per partition beyond which the oldest segments are deleted; -1: no limit."),
            topicDefault("log.segment.delete.delay.ms", TopicConfig.FILE_DELETE_DELAY_MS,
                    "Delay before a deleted segment's files are removed from disk."),
            topicDefault("log.cleanup.policy", TopicConfig.CLEANUP_POLICY,
                    "`delete`, `compact`, `compact,delete`, or empty (keep every segment)."),
            topicDefault("log.flush.interval.messages", TopicConfig.FLUSH_MESSAGES,
                    "Records appended to a partition between fsyncs."),
            topicDefault("log.flush.interval.ms", TopicConfig.FLUSH_MS, "Longest time between fsyncs."),
            topicDefault("fjord.durability", TopicConfig.DURABILITY,
                    "`none`, or `sync`: an append is acknowledged only after an fsync that covers it "
                            + "(appends arriving together share one fsync)."),
            topicDefault("message.max.bytes", TopicConfig.MAX_MESSAGE_BYTES, "Largest record batch accepted."),
            topicDefault("log.message.timestamp.before.max.ms", TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                    "How far a record's timestamp may lie behind the broker's clock."),
            topicDefault("log.message.timestamp.after.max.ms", TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                    "How far a record's timestamp may lie ahead of the broker's clock."),
            topicDefault(TopicConfig.COMPRESSION_TYPE, TopicConfig.COMPRESSION_TYPE,
                    "Codec batches are stored in; `producer` keeps the producer's."),
            topicDefault(TopicConfig.COMPRESSION_GZIP_LEVEL, TopicConfig.COMPRESSION_GZIP_LEVEL,
                    "gzip level when the broker compresses."),
            topicDefault(TopicConfig.COMPRESSION_LZ4_LEVEL, TopicConfig.COMPRESSION_LZ4_LEVEL,
                    "lz4 level when the broker compresses."),
            topicDefault(TopicConfig.COMPRESSION_ZSTD_LEVEL, TopicConfig.COMPRESSION_ZSTD_LEVEL,
                    "zstd level when the broker compresses."),
            topicDefault(TopicConfig.MIN_INSYNC_REPLICAS, TopicConfig.MIN_INSYNC_REPLICAS,
                    "Only 1: one broker has one replica."),
            topicDefault(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE,
                    "Accepted; changes nothing on one broker."),
            topicDefault("log.preallocate", TopicConfig.PREALLOCATE, "Reserve a new segment's file space up front."),
            topicDefault("log.cleaner.delete.retention.ms", TopicConfig.DELETE_RETENTION_MS,
                    "How long a compacted topic keeps tombstones."),
            topicDefault("log.cleaner.min.compaction.lag.ms", TopicConfig.MIN_COMPACTION_LAG_MS,
                    "Youngest a record may be to be compacted."),
            topicDefault("log.cleaner.max.compaction.lag.ms", TopicConfig.MAX_COMPACTION_LAG_MS,
                    "Oldest a record may grow before its log is compacted regardless of the dirty ratio."),
            topicDefault("log.cleaner.min.cleanable.ratio", TopicConfig.MIN_CLEANABLE_DIRTY_RATIO,
                    "Share of a log not yet compacted that makes it eligible for compaction."),

            // Consumer groups and committed offsets.
            intSetting("group.initial.rebalance.delay.ms", 0, Integer.MAX_VALUE,
                    GroupConfig.DEFAULT_INITIAL_REBALANCE_DELAY_MS,
                    "How long a new group waits for more members before its first rebalance.",
                    (target, ms) -> target.group = target.group.withInitialRebalanceDelayMs(ms)),
            intSetting("group.min.session.timeout.ms", 1, Integer.MAX_VALUE, GroupConfig.DEFAULT_MIN_SESSION_TIMEOUT_MS,
                    "Shortest session timeout a member may ask for.",
                    (target, ms) -> target.group = target.group.withMinSessionTimeoutMs(ms)),
            intSetting("group.max.session.timeout.ms", 1, Integer.MAX_VALUE, GroupConfig.DEFAULT_MAX_SESSION_TIMEOUT_MS,
                    "Longest session timeout a member may ask for.",
                    (target, ms) -> target.group = target.group.withMaxSessionTimeoutMs(ms)),
            intSetting("group.max.size", 1, Integer.MAX_VALUE, GroupConfig.DEFAULT_MAX_MEMBERS_PER_GROUP,
                    "Members one group may have.",
                    (target, members) -> target.group = target.group.withMaxMembersPerGroup(members)),
            intSetting("offset.metadata.max.bytes", 0, Integer.MAX_VALUE, GroupConfig.DEFAULT_MAX_METADATA_BYTES,
                    "Largest metadata string of a committed offset.",
                    (target, bytes) -> target.group = target.group.withMaxMetadataBytes(bytes)),
            longSetting("offsets.retention.minutes", 1, Long.MAX_VALUE / MS_PER_MINUTE,
                    GroupConfig.DEFAULT_OFFSETS_RETENTION_MS / MS_PER_MINUTE,
                    "How long an empty group's committed offsets are kept.",
                    (target, minutes) -> target.group = target.group.withOffsetsRetentionMs(minutes * MS_PER_MINUTE)),
            longSetting("offsets.retention.check.interval.ms", 1, Long.MAX_VALUE,
                    GroupConfig.DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS,
                    "How often expired committed offsets are looked for.",
                    (target, ms) -> target.group = target.group.withOffsetsRetentionCheckIntervalMs(ms)),
            intSetting("offsets.topic.num.partitions", 1, 1000, GroupConfig.DEFAULT_OFFSETS_TOPIC_PARTITIONS,
                    "Partitions of `__consumer_offsets` (fixed once it exists).",
                    (target, count) -> target.group = target.group.withOffsetsTopicPartitions(count)),
            intSetting("offsets.topic.segment.bytes", TopicConfig.MIN_SEGMENT_BYTES, Integer.MAX_VALUE,
                    GroupConfig.DEFAULT_OFFSETS_TOPIC_SEGMENT_BYTES,
                    "Segment size of `__consumer_offsets`.",
                    (target, bytes) -> target.group = target.group.withOffsetsTopicSegmentBytes(bytes)));

    private static final Map<String, BrokerSetting> BY_NAME = byName();

    private BrokerSettings() {
    }

    /** @return the setting named {@code key}, or null when it is not Fjord's */
    static BrokerSetting find(String key) {
        return BY_NAME.get(key);
    }

    /** @return every key of the table, in table order */
    static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * Reads broker properties whose cluster shape {@link KafkaServerProperties} has settled: every key of
     * the table is parsed and range-checked, other keys go to {@link KafkaBrokerConfigTable} (ignored with a
     * warning or refused), and unset keys keep the builders' defaults.
     *
     * @throws InvalidConfigException naming the key, for a bad value or an unknown or refused key
     */
    static BrokerConfig read(Map<String, String> properties) {
        Map<String, String> ours = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            String key = entry.getKey().trim();
            String value = entry.getValue().trim();
            if (BY_NAME.containsKey(key)) {
                ours.put(key, value);
            } else {
                KafkaBrokerConfigTable.ignoreOrRefuse(key, value);
            }
        }
        Target target = new Target();
        for (BrokerSetting setting : ALL) {
            String value = ours.get(setting.name());
            if (value == null) {
                continue;
            }
            List<String> winners = setting.overriddenBy().stream().filter(ours::containsKey).toList();
            // An overridden value is still parsed, into a target thrown away, so a bad one is refused.
            setting.apply().apply(winners.isEmpty() ? target : new Target(), setting.name(), value);
            if (!winners.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "Ignoring broker config " + setting.name() + "=" + value
                        + ": " + String.join(", ", winners) + " is set too and wins, as in Kafka");
            }
        }
        if (!target.httpListenerSet) {
            // A broker on a free Kafka port (tests, several brokers on one machine) gets a free metrics port too.
            target.builder.httpListener(new HttpListener(HttpListener.DEFAULT_HOST,
                    target.builder.port() == 0 ? 0 : HttpListener.DEFAULT_PORT));
        }
        target.builder.jmx(true); // a broker read from properties is the broker of its JVM: Kafka's MBean names
        return target.build();
    }

    /** The config being built while properties are read; the table's setters write into it. */
    static final class Target {
        final BrokerConfig.Builder builder = BrokerConfig.builder();
        boolean httpListenerSet;
        GroupConfig group = GroupConfig.defaults();
        private final Map<String, String> topicDefaults = new LinkedHashMap<>();

        /** Sets a topic config's broker-wide default, checked now so the error names the broker key. */
        void topicDefault(String key, String topicKey, String value) {
            try {
                TopicConfig.defaults().with(topicKey, value);
            } catch (InvalidConfigException e) {
                throw new InvalidConfigException(key + ": " + e.getMessage());
            }
            topicDefaults.put(topicKey, value);
        }

        BrokerConfig build() {
            return builder.topicDefaults(TopicConfig.of(topicDefaults)).groupConfig(group).build();
        }
    }

    private static void dataDir(Target target, String key, String value) {
        if (value.contains(",")) {
            throw new InvalidConfigException(key + ": Fjord uses one data directory, got '" + value + "'");
        }
        target.builder.dataDir(Path.of(value));
    }

    /** Kafka's hours and minutes forms: any negative count means "no limit", which is -1 in ms. */
    private static String toMs(String key, String value, long min, long msPerUnit) {
        long count = BrokerSetting.parseLong(key, value, min, Long.MAX_VALUE / msPerUnit);
        return Long.toString(count < 0 ? -1 : count * msPerUnit);
    }

    /** A socket buffer size, or -1 for the OS's autotuning ({@link NetConfig#OS_DEFAULT_SOCKET_BUFFER}). */
    private static int socketBuffer(String key, String value) {
        long bytes = BrokerSetting.parseLong(key, value, Long.MIN_VALUE, Long.MAX_VALUE);
        if (bytes != NetConfig.OS_DEFAULT_SOCKET_BUFFER && (bytes < 1 || bytes > Integer.MAX_VALUE)) {
            throw new InvalidConfigException(key + ": " + bytes + " is not in " + SOCKET_BUFFER_RANGE);
        }
        return (int) bytes;
    }

    /** Kafka's type for this is a double whose default, Double.MAX_VALUE, means no cap. */
    private static long parseBytesPerSecond(String key, String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": '" + value + "' is not a number");
        }
        if (!(parsed >= 1)) {
            throw new InvalidConfigException(key + ": " + value + " must be at least 1 byte per second");
        }
        return parsed >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) parsed;
    }

    private static Map<String, BrokerSetting> byName() {
        Map<String, BrokerSetting> byName = new LinkedHashMap<>();
        for (BrokerSetting setting : ALL) {
            if (byName.put(setting.name(), setting) != null) {
                throw new IllegalStateException("Broker setting " + setting.name() + " is in the table twice");
            }
        }
        for (BrokerSetting setting : ALL) {
            for (String winner : setting.overriddenBy()) {
                if (!byName.containsKey(winner)) {
                    throw new IllegalStateException(setting.name() + " is overridden by " + winner
                            + ", which is not in the table");
                }
            }
        }
        return Collections.unmodifiableMap(byName);
    }
}
