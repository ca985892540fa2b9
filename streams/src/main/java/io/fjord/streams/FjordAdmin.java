package io.fjord.streams;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.fjord.log.InvalidConfigException;
import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.TopicConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.CreateTopicsResult.TopicMetadataAndConfig;
import org.apache.kafka.clients.admin.DeleteRecordsOptions;
import org.apache.kafka.clients.admin.DeleteRecordsResult;
import org.apache.kafka.clients.admin.DeleteTopicsOptions;
import org.apache.kafka.clients.admin.DeleteTopicsResult;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * An in-process {@link org.apache.kafka.clients.admin.Admin} over a {@link LogEngine}, covering
 * what Kafka Streams asks of its admin client: topic creation with configs, topic description,
 * topic configs, deletion, list offsets and delete records. Everything else throws
 * {@link UnsupportedOperationException} (see {@link UnsupportedAdmin}).
 *
 * <p>The engine answers synchronously, so every returned future is already complete. The engine is
 * a single node: node 0, leader and only replica of every partition. Thread-safe.
 */
public final class FjordAdmin extends UnsupportedAdmin {
    static final Node LOCAL_NODE = new Node(0, "localhost", -1);

    /**
     * Kafka topic configs the engine has no setting for but whose given value is what the engine
     * does anyway; Kafka Streams sets them on its internal topics. Any other value is refused.
     * A null value means every value is accepted (single replica: nothing to enforce).
     */
    private static final Map<String, String> IMPLIED_CONFIGS = new HashMap<>();

    static {
        IMPLIED_CONFIGS.put("message.timestamp.type", "CreateTime"); // records keep the producer's time
        IMPLIED_CONFIGS.put("min.insync.replicas", null);
        IMPLIED_CONFIGS.put("unclean.leader.election.enable", null);
    }

    private final LogEngine engine;
    private final int defaultPartitions;

    /** @param defaultPartitions partitions of a created topic whose NewTopic leaves them unset */
    public FjordAdmin(LogEngine engine, int defaultPartitions) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.defaultPartitions = defaultPartitions;
    }

    public FjordAdmin(LogEngine engine) {
        this(engine, 1);
    }

    // ------------------------------------------------------------------------------------ topics

    @Override
    public CreateTopicsResult createTopics(Collection<NewTopic> newTopics, CreateTopicsOptions options) {
        Map<String, KafkaFuture<TopicMetadataAndConfig>> futures = new LinkedHashMap<>();
        for (NewTopic topic : newTopics) {
            futures.put(topic.name(), attempt(() -> createTopic(topic, options.shouldValidateOnly())));
        }
        return new CreateTopicsResult(futures) { };
    }

    private TopicMetadataAndConfig createTopic(NewTopic topic, boolean validateOnly) {
        if (topic.replicasAssignments() != null && !topic.replicasAssignments().isEmpty()) {
            throw new InvalidRequestException("Replica assignments are not supported by an embedded engine");
        }
        int partitions = topic.numPartitions() < 0 ? defaultPartitions : topic.numPartitions();
        if (partitions < 1) {
            throw new InvalidPartitionsException("Number of partitions must be at least 1, got " + partitions);
        }
        TopicConfig config = topicConfig(topic.configs() == null ? Map.of() : topic.configs());
        if (engine.topicExists(topic.name())) {
            throw new TopicExistsException("Topic '" + topic.name() + "' already exists.");
        }
        if (!validateOnly) {
            try {
                engine.createTopic(topic.name(), partitions, config);
            } catch (io.fjord.log.TopicExistsException raced) {
                throw new TopicExistsException(raced.getMessage());
            }
        }
        return new TopicMetadataAndConfig(Uuid.ZERO_UUID, partitions, 1,
                config(engine.config().topicDefaults().overriddenBy(config), config));
    }

    /** Kafka names; engine-known ones are validated by the engine, implied ones dropped. */
    static TopicConfig topicConfig(Map<String, String> configs) {
        Map<String, String> engineConfigs = new HashMap<>();
        for (Map.Entry<String, String> entry : configs.entrySet()) {
            String name = entry.getKey();
            if (TopicConfig.names().contains(name)) {
                engineConfigs.put(name, entry.getValue());
            } else if (IMPLIED_CONFIGS.containsKey(name)) {
                String required = IMPLIED_CONFIGS.get(name);
                if (required != null && !required.equalsIgnoreCase(String.valueOf(entry.getValue()).trim())) {
                    throw new InvalidConfigurationException("Topic config " + name + "=" + entry.getValue()
                            + " is not supported by the engine (only " + required + ")");
                }
            } else {
                throw new InvalidConfigurationException("Unknown topic config '" + name + "'; the engine knows "
                        + TopicConfig.names() + " and accepts " + IMPLIED_CONFIGS.keySet());
            }
        }
        try {
            return TopicConfig.of(engineConfigs);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    @Override
    public DeleteTopicsResult deleteTopics(TopicCollection topics, DeleteTopicsOptions options) {
        if (!(topics instanceof TopicCollection.TopicNameCollection names)) {
            throw unsupported("deleteTopics(by topic id)");
        }
        Map<String, KafkaFuture<Void>> futures = new LinkedHashMap<>();
        for (String name : names.topicNames()) {
            futures.put(name, attempt(() -> {
                requireTopic(name);
                engine.deleteTopic(name);
                return null;
            }));
        }
        return new DeleteTopicsResult(null, futures) { };
    }

    @Override
    public DescribeTopicsResult describeTopics(TopicCollection topics, DescribeTopicsOptions options) {
        if (!(topics instanceof TopicCollection.TopicNameCollection names)) {
            throw unsupported("describeTopics(by topic id)");
        }
        Map<String, KafkaFuture<TopicDescription>> futures = new LinkedHashMap<>();
        for (String name : names.topicNames()) {
            futures.put(name, attempt(() -> {
                int count = requireTopic(name);
                List<Node> replicas = List.of(LOCAL_NODE);
                List<TopicPartitionInfo> partitions = new ArrayList<>(count);
                for (int p = 0; p < count; p++) {
                    partitions.add(new TopicPartitionInfo(p, LOCAL_NODE, replicas, replicas));
                }
                return new TopicDescription(name, false, partitions, Set.of(), Uuid.ZERO_UUID);
            }));
        }
        return new DescribeTopicsResult(null, futures) { };
    }

    @Override
    public DescribeConfigsResult describeConfigs(Collection<ConfigResource> resources, DescribeConfigsOptions options) {
        Map<ConfigResource, KafkaFuture<Config>> futures = new LinkedHashMap<>();
        for (ConfigResource resource : resources) {
            futures.put(resource, attempt(() -> switch (resource.type()) {
                case TOPIC -> {
                    requireTopic(resource.name());
                    yield config(engine.effectiveTopicConfig(resource.name()), engine.topicConfig(resource.name()));
                }
                case BROKER -> new Config(List.of());
                default -> throw unsupported("describeConfigs(" + resource.type() + ")");
            }));
        }
        return new DescribeConfigsResult(futures) { };
    }

    private static Config config(TopicConfig effective, TopicConfig explicit) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (String name : TopicConfig.names()) {
            ConfigEntry.ConfigSource source = explicit.overrides().containsKey(name)
                    ? ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigEntry.ConfigSource.DEFAULT_CONFIG;
            entries.add(new ConfigEntry(name, effective.value(name), source, false, false, List.of(),
                    ConfigEntry.ConfigType.UNKNOWN, null));
        }
        return new Config(entries);
    }

    // ----------------------------------------------------------------------------------- offsets

    @Override
    public ListOffsetsResult listOffsets(Map<TopicPartition, OffsetSpec> topicPartitionOffsets,
                                         ListOffsetsOptions options) {
        Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> futures = new LinkedHashMap<>();
        topicPartitionOffsets.forEach((tp, spec) -> futures.put(tp, attempt(() -> {
            Partition partition = partition(tp);
            long offset;
            if (spec instanceof OffsetSpec.EarliestSpec) {
                offset = partition.earliestOffset();
            } else if (spec instanceof OffsetSpec.LatestSpec) {
                offset = partition.latestOffset();
            } else if (spec instanceof OffsetSpec.TimestampSpec timestamp) {
                offset = partition.offsetForTimestamp(timestampOf(timestamp));
            } else {
                throw unsupported("listOffsets(" + spec.getClass().getSimpleName() + ")");
            }
            return new ListOffsetsResultInfo(offset, -1L, Optional.empty());
        })));
        return new ListOffsetsResult(futures);
    }

    private static long timestampOf(OffsetSpec.TimestampSpec spec) {
        try {
            var field = OffsetSpec.TimestampSpec.class.getDeclaredField("timestamp");
            field.setAccessible(true);
            return field.getLong(spec);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unsupported("listOffsets(OffsetSpec.forTimestamp): cannot read the timestamp: " + e);
        }
    }

    @Override
    public DeleteRecordsResult deleteRecords(Map<TopicPartition, RecordsToDelete> recordsToDelete,
                                             DeleteRecordsOptions options) {
        Map<TopicPartition, KafkaFuture<DeletedRecords>> futures = new LinkedHashMap<>();
        recordsToDelete.forEach((tp, records) -> futures.put(tp, attempt(() -> {
            Partition partition = partition(tp);
            long before = records.beforeOffset() == -1L ? partition.latestOffset() : records.beforeOffset();
            if (before > partition.earliestOffset()) {
                partition.deleteRecords(before);
            }
            return new DeletedRecords(partition.earliestOffset());
        })));
        return new DeleteRecordsResult(futures);
    }

    // ----------------------------------------------------------------------------------- metrics

    /** Client telemetry (KIP-714) has no broker to push to; Kafka Streams registers its metrics here. */
    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
    }

    // ----------------------------------------------------------------------------------- helpers

    private int requireTopic(String name) {
        if (!engine.topicExists(name)) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist");
        }
        return engine.partitionCount(name);
    }

    private Partition partition(TopicPartition tp) {
        int count = requireTopic(tp.topic());
        if (tp.partition() < 0 || tp.partition() >= count) {
            throw new UnknownTopicOrPartitionException("Partition " + tp + " does not exist");
        }
        return engine.partition(tp.topic(), tp.partition());
    }

    private interface Action<T> {
        T run();
    }

    /** A completed future: the value, or the failure (engine exceptions as Kafka's ApiExceptions). */
    private static <T> KafkaFuture<T> attempt(Action<T> action) {
        try {
            return KafkaFuture.completedFuture(action.run());
        } catch (RuntimeException e) {
            return failed(EngineExceptions.toKafka(e));
        }
    }

    static <T> KafkaFuture<T> failed(Throwable error) {
        org.apache.kafka.common.internals.KafkaFutureImpl<T> future = new org.apache.kafka.common.internals.KafkaFutureImpl<>();
        future.completeExceptionally(error);
        return future;
    }
}
