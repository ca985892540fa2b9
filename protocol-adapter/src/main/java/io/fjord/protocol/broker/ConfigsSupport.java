package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.log.TopicConfig;
import io.fjord.log.TopicNames;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;

import java.util.function.UnaryOperator;

/** Shared rules for the config APIs: resource types, where a value comes from, how a topic's configs change. */
final class ConfigsSupport {
    static final byte RESOURCE_TOPIC = 2;
    static final byte RESOURCE_BROKER = 4;

    /** Kafka's ConfigSource codes. */
    static final byte SOURCE_TOPIC = 1;
    static final byte SOURCE_STATIC_BROKER = 4;
    static final byte SOURCE_DEFAULT = 5;

    private ConfigsSupport() {
    }

    /** Why altering one resource's configs failed: a Kafka error code and a message for the client. */
    record AlterError(short code, String message) {
    }

    /**
     * Alters one resource of AlterConfigs or IncrementalAlterConfigs: only topics (broker configs are
     * static), which must exist; {@code change} turns the topic's configs into the new ones, which
     * are stored unless {@code validateOnly}.
     *
     * @return null when it worked (or would have, with validateOnly), else the error to answer
     */
    static AlterError alterTopic(BrokerState state, byte resourceType, String topic, boolean validateOnly,
                                 UnaryOperator<TopicConfig> change) {
        if (resourceType != RESOURCE_TOPIC) {
            return new AlterError(Errors.INVALID_REQUEST.code(),
                    "Only topic configs can be altered; broker configs are static");
        }
        if (TopicNames.isReserved(topic)) {
            return new AlterError(Errors.INVALID_REQUEST.code(),
                    "Configs of internal topic " + topic + " cannot be altered: the broker manages them");
        }
        try {
            TopicConfig altered = change.apply(state.engine.topicConfig(topic)) // the topic must exist
                    .checkConsistent();
            if (!validateOnly) {
                state.engine.alterTopicConfig(topic, altered);
            }
            return null;
        } catch (FjordException e) {
            return new AlterError(ErrorMapper.toError(e).code(), e.getMessage());
        }
    }

    static byte source(TopicConfig own, BrokerState state, String name) {
        if (own.overrides().containsKey(name)) {
            return SOURCE_TOPIC;
        }
        if (state.engine.config().topicDefaults().overrides().containsKey(name)) {
            return SOURCE_STATIC_BROKER;
        }
        return SOURCE_DEFAULT;
    }
}
