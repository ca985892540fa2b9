package io.fjord.log.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the topics out of a "consumer" protocol subscription (Kafka's ConsumerProtocolSubscription,
 * every version starts the same: int16 version, int32 topic count, then int16-length UTF-8 topic
 * names; user data and owned partitions follow and are ignored). Stateless.
 */
final class ConsumerSubscription {
    private ConsumerSubscription() {
    }

    /** The subscribed topics, or null when the bytes are not a subscription we can read. */
    static Set<String> topics(byte[] metadata) {
        if (metadata == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(metadata);
        if (b.remaining() < 6) {
            return null;
        }
        short version = b.getShort();
        int count = b.getInt();
        // Each topic takes at least its 2-byte length: a larger count is garbage, not a huge allocation.
        if (version < 0 || count < 0 || count > b.remaining() / 2) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 2) {
                return null;
            }
            int length = b.getShort();
            if (length < 0 || length > b.remaining()) {
                return null;
            }
            byte[] name = new byte[length];
            b.get(name);
            topics.add(new String(name, StandardCharsets.UTF_8));
        }
        return topics;
    }
}
