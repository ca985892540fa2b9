package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicNames;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;

import java.util.HashMap;
import java.util.Map;

/**
 * CreateTopics with partition counts (-1: the broker default), configs and validate_only. One
 * broker: replication factor -1 or 1; explicit replica assignments may only name this broker.
 */
final class CreateTopicsHandler implements AdminApiHandler {
    private static final short FIRST_VERSION_WITH_CONFIGS = 5;
    static final String REFUSED = "The broker's admin queue is full (fjord.max.queued.admin.requests); nothing was done, retry";

    private final BrokerState state;

    CreateTopicsHandler(BrokerState state) {
        this.state = state;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        CreateTopicsRequest request = (CreateTopicsRequest) message;
        CreateTopicsResponse response = new CreateTopicsResponse();
        for (CreateTopicsRequest.CreatableTopic topic : request.topics()) {
            CreateTopicsResponse.CreatableTopicResult result = new CreateTopicsResponse.CreatableTopicResult()
                    .setName(topic.name());
            response.topics().add(result);
            try {
                create(topic, request.validateOnly(), result, exchange.version());
            } catch (FjordException e) {
                result.setErrorCode(ErrorMapper.toError(e).code()).setErrorMessage(e.getMessage());
            }
            if (exchange.version() < 1) {
                result.setErrorMessage(null);
            }
        }
        exchange.respond(response);
    }

    @Override
    public void refuse(Exchange exchange, ApiMessage message, Errors error) {
        CreateTopicsResponse response = new CreateTopicsResponse();
        for (CreateTopicsRequest.CreatableTopic topic : ((CreateTopicsRequest) message).topics()) {
            response.topics().add(new CreateTopicsResponse.CreatableTopicResult().setName(topic.name())
                    .setErrorCode(error.code()).setErrorMessage(exchange.version() < 1 ? null : REFUSED));
        }
        exchange.respond(response);
    }

    private void create(CreateTopicsRequest.CreatableTopic topic, boolean validateOnly,
                        CreateTopicsResponse.CreatableTopicResult result, short version) {
        TopicNames.validate(topic.name());
        if (TopicNames.isReserved(topic.name())) {
            // Kafka's answer for __cluster_metadata; here for every internal name, as the broker creates
            // __consumer_offsets itself, with its partition count and compaction.
            result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Creation of internal topic " + topic.name() + " is prohibited.");
            return;
        }
        if (topic.replicationFactor() != -1 && topic.replicationFactor() != 1) {
            result.setErrorCode(Errors.INVALID_REPLICATION_FACTOR.code())
                    .setErrorMessage("Replication factor " + topic.replicationFactor() + " is larger than the 1 broker");
            return;
        }
        int partitions = topic.numPartitions() == -1 ? state.config.numPartitions() : topic.numPartitions();
        if (!topic.assignments().isEmpty()) {
            for (CreateTopicsRequest.CreatableReplicaAssignment assignment : topic.assignments()) {
                if (!assignment.brokerIds().equals(java.util.List.of(state.nodeId))) {
                    result.setErrorCode(Errors.INVALID_REPLICA_ASSIGNMENT.code())
                            .setErrorMessage("Replicas may only be assigned to broker " + state.nodeId);
                    return;
                }
            }
            partitions = topic.assignments().size();
        }
        int maxPartitions = state.engine.config().maxPartitionsPerTopic();
        if (partitions < 1 || partitions > maxPartitions) {
            result.setErrorCode(Errors.INVALID_PARTITIONS.code()).setErrorMessage("Number of partitions must be in [1, "
                    + maxPartitions + "] (maxPartitionsPerTopic), got " + partitions);
            return;
        }
        Map<String, String> configs = new HashMap<>();
        for (CreateTopicsRequest.CreatableTopicConfig config : topic.configs()) {
            configs.put(config.name(), config.value());
        }
        TopicConfig topicConfig = TopicConfig.of(configs);
        if (state.engine.topicExists(topic.name())) {
            result.setErrorCode(Errors.TOPIC_ALREADY_EXISTS.code())
                    .setErrorMessage("Topic '" + topic.name() + "' already exists.");
            return;
        }
        if (!validateOnly) {
            state.engine.createTopic(topic.name(), partitions, topicConfig);
        }
        if (version < FIRST_VERSION_WITH_CONFIGS) {
            return;
        }
        result.setNumPartitions(partitions).setReplicationFactor((short) 1);
        TopicConfig effective = state.engine.config().topicDefaults().overriddenBy(topicConfig);
        result.setConfigs(new java.util.ArrayList<>());
        for (String name : TopicConfig.names()) {
            result.configs().add(new CreateTopicsResponse.CreatableTopicConfigs()
                    .setName(name).setValue(effective.value(name)).setReadOnly(false)
                    .setConfigSource(ConfigsSupport.source(topicConfig, state, name)).setIsSensitive(false));
        }
    }
}
