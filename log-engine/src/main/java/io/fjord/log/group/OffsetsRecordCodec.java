package io.fjord.log.group;

import io.fjord.log.TopicPartition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.fjord.log.group.OffsetsTopicDescriptor.GROUP_VALUE_VERSION;
import static io.fjord.log.group.OffsetsTopicDescriptor.KEY_TYPE_GROUP_METADATA;
import static io.fjord.log.group.OffsetsTopicDescriptor.KEY_TYPE_OFFSET_COMMIT;
import static io.fjord.log.group.OffsetsTopicDescriptor.NULL_LENGTH;
import static io.fjord.log.group.OffsetsTopicDescriptor.OFFSET_VALUE_VERSION;

/**
 * Encodes and decodes the internal topic's keys and values in the layout of
 * {@link OffsetsTopicDescriptor}. Off the hot path (one commit is a few records), so plain byte
 * arrays are fine. Stateless and thread-safe.
 */
final class OffsetsRecordCodec {
    /** A decoded key: {@code topicPartition} is null for a group-metadata key. */
    record Key(short type, String groupId, TopicPartition topicPartition) {
    }

    private OffsetsRecordCodec() {
    }

    static byte[] offsetKey(String groupId, TopicPartition tp) {
        byte[] group = utf8(groupId);
        byte[] topic = utf8(tp.topic());
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + group.length + 4 + topic.length + 4);
        b.putShort(KEY_TYPE_OFFSET_COMMIT);
        putBytes(b, group);
        putBytes(b, topic);
        b.putInt(tp.partition());
        return b.array();
    }

    static byte[] groupKey(String groupId) {
        byte[] group = utf8(groupId);
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + group.length);
        b.putShort(KEY_TYPE_GROUP_METADATA);
        putBytes(b, group);
        return b.array();
    }

    static byte[] offsetValue(CommittedOffset value) {
        byte[] metadata = value.metadata() == null ? null : utf8(value.metadata());
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 4 + 4 + (metadata == null ? 0 : metadata.length) + 8);
        b.putShort(OFFSET_VALUE_VERSION);
        b.putLong(value.offset());
        b.putInt(value.leaderEpoch());
        putBytes(b, metadata);
        b.putLong(value.commitTimestampMs());
        return b.array();
    }

    static byte[] groupValue(StoredGroup group) {
        List<byte[]> strings = new ArrayList<>();
        int size = 2 + 4 + 4 + 4 + 4 + 8 + 4;
        byte[] type = nullableUtf8(group.protocolType());
        byte[] name = nullableUtf8(group.protocolName());
        byte[] leader = nullableUtf8(group.leaderId());
        size += len(type) + len(name) + len(leader);
        for (StoredMember m : group.members()) {
            byte[][] fields = {utf8(m.memberId()), nullableUtf8(m.groupInstanceId()), utf8(m.clientId()),
                    utf8(m.clientHost()), m.subscription(), m.assignment()};
            for (byte[] field : fields) {
                strings.add(field);
                size += 4 + len(field);
            }
            size += 8;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort(GROUP_VALUE_VERSION);
        putBytes(b, type);
        b.putInt(group.generationId());
        putBytes(b, name);
        putBytes(b, leader);
        b.putLong(group.stateTimestampMs());
        b.putInt(group.members().size());
        int i = 0;
        for (StoredMember m : group.members()) {
            putBytes(b, strings.get(i++));
            putBytes(b, strings.get(i++));
            putBytes(b, strings.get(i++));
            putBytes(b, strings.get(i++));
            b.putInt(m.rebalanceTimeoutMs());
            b.putInt(m.sessionTimeoutMs());
            putBytes(b, strings.get(i++));
            putBytes(b, strings.get(i++));
        }
        return b.array();
    }

    /** The decoded key, or null when its type is unknown. */
    static Key decodeKey(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        try {
            short type = b.getShort();
            String group = getString(b);
            if (type == KEY_TYPE_OFFSET_COMMIT) {
                String topic = getString(b);
                return new Key(type, group, new TopicPartition(topic, b.getInt()));
            }
            if (type == KEY_TYPE_GROUP_METADATA) {
                return new Key(type, group, null);
            }
            return null;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed key: " + e, e);
        }
    }

    /** The decoded value, or null when its version is unknown. */
    static CommittedOffset decodeOffsetValue(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        try {
            if (b.getShort() != OFFSET_VALUE_VERSION) {
                return null;
            }
            long offset = b.getLong();
            int epoch = b.getInt();
            String metadata = getString(b);
            return new CommittedOffset(offset, epoch, metadata, b.getLong());
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed offset value: " + e, e);
        }
    }

    /** The decoded value, or null when its version is unknown. */
    static StoredGroup decodeGroupValue(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        try {
            if (b.getShort() != GROUP_VALUE_VERSION) {
                return null;
            }
            String type = getString(b);
            int generation = b.getInt();
            String name = getString(b);
            String leader = getString(b);
            long stateTimestampMs = b.getLong();
            int count = b.getInt();
            // Each member takes at least 8 length fields + 2 ints: reject counts the bytes cannot hold.
            if (count < 0 || count > b.remaining() / 40) {
                throw new IllegalArgumentException("member count " + count);
            }
            List<StoredMember> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String memberId = getString(b);
                String instanceId = getString(b);
                String clientId = getString(b);
                String clientHost = getString(b);
                int rebalanceTimeoutMs = b.getInt();
                int sessionTimeoutMs = b.getInt();
                members.add(new StoredMember(memberId, instanceId, clientId, clientHost, rebalanceTimeoutMs,
                        sessionTimeoutMs, getBytes(b), getBytes(b)));
            }
            return new StoredGroup(type, generation, name, leader, stateTimestampMs, List.copyOf(members));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed group value: " + e, e);
        }
    }

    private static int len(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] nullableUtf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        if (bytes == null) {
            b.putInt(NULL_LENGTH);
        } else {
            b.putInt(bytes.length);
            b.put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer b) {
        int length = b.getInt();
        if (length == NULL_LENGTH) {
            return null;
        }
        if (length < 0 || length > b.remaining()) {
            throw new IllegalArgumentException("length " + length + " with " + b.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return bytes;
    }

    private static String getString(ByteBuffer b) {
        byte[] bytes = getBytes(b);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
