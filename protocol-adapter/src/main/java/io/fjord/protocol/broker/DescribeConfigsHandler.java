package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.TopicConfig;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.DescribeConfigsRequest;
import io.fjord.protocol.message.DescribeConfigsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DescribeConfigs for topics (every topic config with its value and source, and synonyms on
 * request) and for this broker (its topic defaults under the broker's names, read-only).
 */
final class DescribeConfigsHandler implements ApiHandler {
    /** Kafka's ConfigType codes (DescribeConfigs v3+). */
    private static final byte TYPE_BOOLEAN = 1;
    private static final byte TYPE_STRING = 2;
    private static final byte TYPE_INT = 3;
    private static final byte TYPE_LONG = 5;
    private static final byte TYPE_DOUBLE = 6;
    private static final byte TYPE_LIST = 7;

    /** Kafka 4.4's type of each topic config (its LogConfig); a name not listed is described as a string. */
    private static final Map<String, Byte> TYPES = Map.ofEntries(
            Map.entry(TopicConfig.SEGMENT_BYTES, TYPE_INT), Map.entry(TopicConfig.SEGMENT_MS, TYPE_LONG),
            Map.entry(TopicConfig.SEGMENT_JITTER_MS, TYPE_LONG),
            Map.entry(TopicConfig.SEGMENT_INDEX_BYTES, TYPE_INT), Map.entry(TopicConfig.INDEX_INTERVAL_BYTES, TYPE_INT),
            Map.entry(TopicConfig.RETENTION_MS, TYPE_LONG), Map.entry(TopicConfig.RETENTION_BYTES, TYPE_LONG),
            Map.entry(TopicConfig.FLUSH_MESSAGES, TYPE_LONG), Map.entry(TopicConfig.FLUSH_MS, TYPE_LONG),
            Map.entry(TopicConfig.MAX_MESSAGE_BYTES, TYPE_INT), Map.entry(TopicConfig.FILE_DELETE_DELAY_MS, TYPE_LONG),
            Map.entry(TopicConfig.CLEANUP_POLICY, TYPE_LIST), Map.entry(TopicConfig.DURABILITY, TYPE_STRING),
            Map.entry(TopicConfig.DELETE_RETENTION_MS, TYPE_LONG),
            Map.entry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, TYPE_DOUBLE),
            Map.entry(TopicConfig.MIN_COMPACTION_LAG_MS, TYPE_LONG),
            Map.entry(TopicConfig.MAX_COMPACTION_LAG_MS, TYPE_LONG),
            Map.entry(TopicConfig.MESSAGE_TIMESTAMP_TYPE, TYPE_STRING),
            Map.entry(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, TYPE_LONG),
            Map.entry(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, TYPE_LONG),
            Map.entry(TopicConfig.COMPRESSION_TYPE, TYPE_STRING),
            Map.entry(TopicConfig.COMPRESSION_GZIP_LEVEL, TYPE_INT), Map.entry(TopicConfig.COMPRESSION_LZ4_LEVEL, TYPE_INT),
            Map.entry(TopicConfig.COMPRESSION_ZSTD_LEVEL, TYPE_INT),
            Map.entry(TopicConfig.MIN_INSYNC_REPLICAS, TYPE_INT),
            Map.entry(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE, TYPE_BOOLEAN),
            Map.entry(TopicConfig.LEADER_REPLICATION_THROTTLED_REPLICAS, TYPE_LIST),
            Map.entry(TopicConfig.FOLLOWER_REPLICATION_THROTTLED_REPLICAS, TYPE_LIST),
            Map.entry(TopicConfig.PREALLOCATE, TYPE_BOOLEAN),
            Map.entry(TopicConfig.REMOTE_STORAGE_ENABLE, TYPE_BOOLEAN),
            Map.entry(TopicConfig.LOCAL_RETENTION_MS, TYPE_LONG), Map.entry(TopicConfig.LOCAL_RETENTION_BYTES, TYPE_LONG),
            Map.entry(TopicConfig.REMOTE_LOG_COPY_DISABLE, TYPE_BOOLEAN),
            Map.entry(TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE, TYPE_BOOLEAN),
            Map.entry(TopicConfig.REMOTE_COPY_LAG_MS, TYPE_LONG), Map.entry(TopicConfig.REMOTE_COPY_LAG_BYTES, TYPE_LONG),
            Map.entry(TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES, TYPE_INT),
            Map.entry(TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE, TYPE_BOOLEAN));

    /** Broker names of the topic defaults a broker describes. */
    private static final Map<String, String> BROKER_NAMES = Map.ofEntries(
            Map.entry("log.segment.bytes", TopicConfig.SEGMENT_BYTES), Map.entry("log.roll.ms", TopicConfig.SEGMENT_MS),
            Map.entry("log.retention.ms", TopicConfig.RETENTION_MS),
            Map.entry("log.retention.bytes", TopicConfig.RETENTION_BYTES),
            Map.entry("log.flush.interval.messages", TopicConfig.FLUSH_MESSAGES),
            Map.entry("log.flush.interval.ms", TopicConfig.FLUSH_MS),
            Map.entry("message.max.bytes", TopicConfig.MAX_MESSAGE_BYTES),
            Map.entry("log.cleanup.policy", TopicConfig.CLEANUP_POLICY),
            Map.entry("log.index.interval.bytes", TopicConfig.INDEX_INTERVAL_BYTES),
            Map.entry("log.index.size.max.bytes", TopicConfig.SEGMENT_INDEX_BYTES),
            Map.entry(TopicConfig.COMPRESSION_TYPE, TopicConfig.COMPRESSION_TYPE),
            Map.entry(TopicConfig.COMPRESSION_GZIP_LEVEL, TopicConfig.COMPRESSION_GZIP_LEVEL),
            Map.entry(TopicConfig.COMPRESSION_LZ4_LEVEL, TopicConfig.COMPRESSION_LZ4_LEVEL),
            Map.entry(TopicConfig.COMPRESSION_ZSTD_LEVEL, TopicConfig.COMPRESSION_ZSTD_LEVEL),
            Map.entry(TopicConfig.MIN_INSYNC_REPLICAS, TopicConfig.MIN_INSYNC_REPLICAS),
            Map.entry(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE),
            Map.entry("log.roll.jitter.ms", TopicConfig.SEGMENT_JITTER_MS),
            Map.entry("log.preallocate", TopicConfig.PREALLOCATE),
            Map.entry("log.cleaner.delete.retention.ms", TopicConfig.DELETE_RETENTION_MS),
            Map.entry("log.cleaner.min.compaction.lag.ms", TopicConfig.MIN_COMPACTION_LAG_MS),
            Map.entry("log.cleaner.max.compaction.lag.ms", TopicConfig.MAX_COMPACTION_LAG_MS),
            Map.entry("log.cleaner.min.cleanable.ratio", TopicConfig.MIN_CLEANABLE_DIRTY_RATIO),
            Map.entry("log.message.timestamp.before.max.ms", TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
            Map.entry("log.message.timestamp.after.max.ms", TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS));

    private final BrokerState state;

    DescribeConfigsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        DescribeConfigsRequest request = (DescribeConfigsRequest) message;
        short version = exchange.version();
        DescribeConfigsResponse response = new DescribeConfigsResponse();
        for (DescribeConfigsRequest.DescribeConfigsResource resource : request.resources()) {
            DescribeConfigsResponse.DescribeConfigsResult result = new DescribeConfigsResponse.DescribeConfigsResult()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.results().add(result);
            try {
                if (resource.resourceType() == ConfigsSupport.RESOURCE_TOPIC) {
                    describeTopic(resource, request.includeSynonyms(), version, result);
                } else if (resource.resourceType() == ConfigsSupport.RESOURCE_BROKER) {
                    describeBroker(resource, version, result);
                } else {
                    result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Resource type " + resource.resourceType() + " is not supported");
                }
            } catch (FjordException e) {
                result.setErrorCode(ErrorMapper.toError(e).code()).setErrorMessage(e.getMessage());
            }
        }
        exchange.respond(response);
    }

    private void describeTopic(DescribeConfigsRequest.DescribeConfigsResource resource, boolean includeSynonyms,
                               short version, DescribeConfigsResponse.DescribeConfigsResult result) {
        String topic = resource.resourceName();
        TopicConfig own = state.engine.topicConfig(topic);
        TopicConfig effective = state.engine.effectiveTopicConfig(topic);
        for (String name : TopicConfig.names()) {
            if (resource.configurationKeys() != null && !resource.configurationKeys().contains(name)) {
                continue;
            }
            byte source = ConfigsSupport.source(own, state, name);
            DescribeConfigsResponse.DescribeConfigsResourceResult config = entry(name, effective.value(name), false,
                    source, version);
            if (version >= 1 && includeSynonyms) {
                List<DescribeConfigsResponse.DescribeConfigsSynonym> synonyms = new ArrayList<>();
                if (own.overrides().containsKey(name)) {
                    synonyms.add(new DescribeConfigsResponse.DescribeConfigsSynonym().setName(name)
                            .setValue(own.value(name)).setSource(ConfigsSupport.SOURCE_TOPIC));
                }
                synonyms.add(new DescribeConfigsResponse.DescribeConfigsSynonym().setName(name)
                        .setValue(TopicConfig.defaultValue(name)).setSource(ConfigsSupport.SOURCE_DEFAULT));
                config.setSynonyms(synonyms);
            }
            result.configs().add(config);
        }
    }

    private void describeBroker(DescribeConfigsRequest.DescribeConfigsResource resource, short version,
                                DescribeConfigsResponse.DescribeConfigsResult result) {
        String name = resource.resourceName();
        if (!name.isEmpty() && !name.equals(Integer.toString(state.nodeId))) {
            result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unknown broker " + name);
            return;
        }
        TopicConfig defaults = state.engine.config().topicDefaults();
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(BROKER_NAMES).entrySet()) {
            if (resource.configurationKeys() != null && !resource.configurationKeys().contains(entry.getKey())) {
                continue;
            }
            byte source = defaults.overrides().containsKey(entry.getValue()) ? ConfigsSupport.SOURCE_STATIC_BROKER
                    : ConfigsSupport.SOURCE_DEFAULT;
            result.configs().add(entry(entry.getKey(), defaults.value(entry.getValue()), true, source, version)
                    .setConfigType(version >= 3 ? TYPES.get(entry.getValue()) : 0));
        }
        result.configs().add(entry("num.partitions", Integer.toString(state.config.numPartitions()), true,
                ConfigsSupport.SOURCE_STATIC_BROKER, version).setConfigType(version >= 3 ? TYPE_INT : 0));
    }

    private static DescribeConfigsResponse.DescribeConfigsResourceResult entry(String name, String value,
                                                                              boolean readOnly, byte source,
                                                                              short version) {
        DescribeConfigsResponse.DescribeConfigsResourceResult config =
                new DescribeConfigsResponse.DescribeConfigsResourceResult()
                        .setName(name).setValue(value).setReadOnly(readOnly).setIsSensitive(false);
        if (version == 0) {
            config.setIsDefault(source == ConfigsSupport.SOURCE_DEFAULT);
        } else {
            config.setConfigSource(source);
        }
        if (version >= 3) {
            config.setConfigType(TYPES.getOrDefault(name, TYPE_STRING));
        }
        return config;
    }
}
