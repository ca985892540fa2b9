package io.fjord.log.group;

import io.fjord.log.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The internal topic's record layout and the consumer-subscription reader. */
class OffsetsRecordCodecTest {

    @Test
    void offsetKeyAndValueRoundTrip() {
        TopicPartition tp = new TopicPartition("orders", 7);
        OffsetsRecordCodec.Key key = OffsetsRecordCodec.decodeKey(OffsetsRecordCodec.offsetKey("grp-é", tp));
        assertEquals(new OffsetsRecordCodec.Key(OffsetsTopicDescriptor.KEY_TYPE_OFFSET_COMMIT, "grp-é", tp), key);
        CommittedOffset value = new CommittedOffset(123L, 4, null, 99L);
        assertEquals(value, OffsetsRecordCodec.decodeOffsetValue(OffsetsRecordCodec.offsetValue(value)));
        CommittedOffset withMetadata = new CommittedOffset(1L, -1, "meta", 2L);
        assertEquals(withMetadata, OffsetsRecordCodec.decodeOffsetValue(OffsetsRecordCodec.offsetValue(withMetadata)));
    }

    @Test
    void groupValueRoundTrip() {
        StoredGroup group = new StoredGroup("consumer", 3, "range", "m1", 77L, List.of(
                new StoredMember("m1", null, "c1", "/h1", 30_000, 10_000, new byte[]{1, 2}, new byte[]{3}),
                new StoredMember("m2", "i2", "c2", "/h2", 40_000, 12_000, new byte[0], new byte[]{4, 5, 6})));
        StoredGroup decoded = OffsetsRecordCodec.decodeGroupValue(OffsetsRecordCodec.groupValue(group));
        assertEquals("consumer", decoded.protocolType());
        assertEquals(3, decoded.generationId());
        assertEquals("m1", decoded.leaderId());
        assertEquals(2, decoded.members().size());
        StoredMember m2 = decoded.members().get(1);
        assertEquals("i2", m2.groupInstanceId());
        assertEquals(12_000, m2.sessionTimeoutMs());
        assertArrayEquals(new byte[]{4, 5, 6}, m2.assignment());
        assertNull(decoded.members().get(0).groupInstanceId());

        StoredGroup empty = new StoredGroup("consumer", 4, null, null, 5L, List.of());
        StoredGroup decodedEmpty = OffsetsRecordCodec.decodeGroupValue(OffsetsRecordCodec.groupValue(empty));
        assertNull(decodedEmpty.protocolName());
        assertEquals(List.of(), decodedEmpty.members());
        assertEquals(OffsetsTopicDescriptor.KEY_TYPE_GROUP_METADATA,
                OffsetsRecordCodec.decodeKey(OffsetsRecordCodec.groupKey("g")).type());
    }

    @Test
    void unknownVersionsAreSkippedAndGarbageIsRejected() {
        byte[] value = OffsetsRecordCodec.offsetValue(new CommittedOffset(1, -1, null, 1));
        value[1] = 9;
        assertNull(OffsetsRecordCodec.decodeOffsetValue(value));
        assertNull(OffsetsRecordCodec.decodeKey(new byte[]{0, 42, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> OffsetsRecordCodec.decodeKey(new byte[]{0, 1, 0, 0, 0, 99}));
        byte[] group = OffsetsRecordCodec.groupValue(new StoredGroup("c", 1, null, null, 0, List.of()));
        group[group.length - 1] = 100; // a member count the bytes cannot hold
        assertThrows(IllegalArgumentException.class, () -> OffsetsRecordCodec.decodeGroupValue(group));
    }

    @Test
    void consumerSubscriptionTopics() {
        assertEquals(Set.of("a", "bb"), ConsumerSubscription.topics(GroupHarness.subscription("a", "bb")));
        assertEquals(Set.of(), ConsumerSubscription.topics(GroupHarness.subscription()));
        assertNull(ConsumerSubscription.topics(new byte[]{0, 0, 0x7f, 0, 0, 0}));
        assertNull(ConsumerSubscription.topics(new byte[]{1}));
        assertNull(ConsumerSubscription.topics(null));
    }

    @Test
    void partitionForIsStableAndInRange() {
        for (String group : List.of("", "a", "group-with-negative-hash-ÿÿÿ")) {
            int p = OffsetsTopicDescriptor.partitionFor(group, 8);
            assertEquals(Math.floorMod(group.hashCode(), 8), p);
        }
    }
}
