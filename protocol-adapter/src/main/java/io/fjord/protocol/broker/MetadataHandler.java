package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.TopicExistsException;
import io.fjord.log.TopicNames;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Metadata: this single broker leads every partition. Unknown topics are created on request
 * when auto-creation is on and the client allows it (v4+ says so explicitly; older versions
 * always ask), as producers and Connect expect; internal topic names never are.
 */
final class MetadataHandler implements ApiHandler {
    private final BrokerState state;
    private final AdminExecutor admin;
    /** The same request when it auto-creates topics: on the admin executor, since creating fsyncs. */
    private final AdminApiHandler creating = new AdminApiHandler() {
        @Override
        public void handle(Exchange exchange, ApiMessage request) {
            answer(exchange, (MetadataRequest) request, true);
        }

        @Override
        public void refuse(Exchange exchange, ApiMessage request, Errors error) {
            // The admin queue is full: answer without creating; the topics to create are
            // LEADER_NOT_AVAILABLE, Kafka's answer for a topic being auto-created, and the client asks again.
            answer(exchange, (MetadataRequest) request, false);
        }
    };

    MetadataHandler(BrokerState state, AdminExecutor admin) {
        this.state = state;
        this.admin = admin;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        MetadataRequest request = (MetadataRequest) message;
        if (createsTopics(request, exchange.version())) {
            admin.execute(creating, exchange, request);
            return;
        }
        answer(exchange, request, false);
    }

    /** Whether answering would auto-create a topic (file work and fsyncs: not for a network thread). */
    private boolean createsTopics(MetadataRequest request, short version) {
        if (!mayCreate(request, version) || request.topics() == null) {
            return false;
        }
        for (MetadataRequest.MetadataRequestTopic topic : request.topics()) {
            String name = topic.name();
            if (name != null && TopicNames.isValid(name) && !TopicNames.isReserved(name)
                    && !state.engine.topicExists(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean mayCreate(MetadataRequest request, short version) {
        return state.config.autoCreateTopics() && (version < 4 || request.allowAutoTopicCreation());
    }

    /** @param create whether missing topics are created now (admin thread) or answered LEADER_NOT_AVAILABLE */
    private void answer(Exchange exchange, MetadataRequest request, boolean create) {
        short version = exchange.version();
        MetadataResponse response = new MetadataResponse();
        if (version >= 1) {
            response.setControllerId(state.nodeId);
        }
        if (version >= 2) {
            response.setClusterId(state.clusterId);
        }
        response.brokers().add(new MetadataResponse.MetadataResponseBroker()
                .setNodeId(state.nodeId).setHost(state.advertisedHost).setPort(state.advertisedPort));

        List<String> names = new ArrayList<>();
        boolean allTopics = request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (allTopics) {
            names.addAll(state.engine.topics());
        } else {
            for (MetadataRequest.MetadataRequestTopic topic : request.topics()) {
                names.add(topic.name());
            }
        }
        boolean mayCreate = mayCreate(request, version) && !allTopics;
        for (String name : names) {
            response.topics().add(describe(name, mayCreate, create, version));
        }
        exchange.respond(response);
    }

    private MetadataResponse.MetadataResponseTopic describe(String name, boolean mayCreate, boolean create,
                                                            short version) {
        MetadataResponse.MetadataResponseTopic topic = new MetadataResponse.MetadataResponseTopic().setName(name);
        if (version >= 1 && TopicNames.isInternal(name)) {
            topic.setIsInternal(true);
        }
        if (name == null || !TopicNames.isValid(name)) {
            return topic.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        if (!state.engine.topicExists(name)) {
            // Internal topics are the broker's to create (the group coordinator makes __consumer_offsets).
            if (!mayCreate || TopicNames.isReserved(name)) {
                return topic.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            if (!create) {
                return topic.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code());
            }
            try {
                state.autoCreate(name);
            } catch (TopicExistsException raced) {
                // created concurrently by another request: describe it below
            } catch (FjordException e) {
                return topic.setErrorCode(ErrorMapper.toError(e).code());
            }
        }
        int partitions;
        try {
            partitions = state.engine.partitionCount(name);
        } catch (FjordException e) {
            return topic.setErrorCode(ErrorMapper.toError(e).code()); // deleted meanwhile
        }
        for (int p = 0; p < partitions; p++) {
            topic.partitions().add(new MetadataResponse.MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(state.nodeId)
                    .setLeaderEpoch(version >= 7 ? 0 : -1)
                    .setReplicaNodes(new ArrayList<>(List.of(state.nodeId)))
                    .setIsrNodes(new ArrayList<>(List.of(state.nodeId))));
        }
        return topic;
    }
}
