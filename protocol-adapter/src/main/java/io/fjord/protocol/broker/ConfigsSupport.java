package io.fjord.protocol.broker;

import io.fjord.log.TopicConfig;

/** Shared rules for the config APIs: resource types and where a value comes from. */
final class ConfigsSupport {
    static final byte RESOURCE_TOPIC = 2;
    static final byte RESOURCE_BROKER = 4;

    /** Kafka's ConfigSource codes. */
    static final byte SOURCE_TOPIC = 1;
    static final byte SOURCE_STATIC_BROKER = 4;
    static final byte SOURCE_DEFAULT = 5;

    private ConfigsSupport() {
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
