package io.fjord.log.group;

import io.fjord.log.TopicPartition;
import io.fjord.testsupport.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fjord.log.group.GroupHarness.Pending;
import static io.fjord.log.group.GroupHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OffsetCommit/Fetch/Delete, DeleteGroups and offsets retention. */
class OffsetCommitTest {
    private static final long HOUR_MS = 3_600_000;
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);
    private static final TopicPartition U0 = new TopicPartition("u", 0);

    @TempDir
    Path dir;
    GroupHarness h;
    GroupCoordinator c;

    @BeforeEach
    void setUp() {
        h = new GroupHarness(dir, GroupConfig.defaults().withOffsetsRetentionMs(HOUR_MS)
                .withOffsetsRetentionCheckIntervalMs(600_000));
        c = h.coordinator;
        h.engine.createTopic("t", 2);
        h.engine.createTopic("u", 1);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static Map<TopicPartition, CommittedOffset> offsets(Object... pairs) {
        Map<TopicPartition, CommittedOffset> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((TopicPartition) pairs[i], new CommittedOffset((Long) pairs[i + 1], -1, "m", -1));
        }
        return map;
    }

    /** One member subscribed to "t", Stable at generation 1; returns its member id. */
    private String stableMember(String group) {
        Pending<JoinResult> join = h.join(group, "", "c", "t");
        h.timer.advance(GroupConfig.DEFAULT_INITIAL_REBALANCE_DELAY_MS);
        String memberId = join.get().memberId();
        assertEquals(GroupError.NONE, h.sync(group, 1, memberId, Map.of(memberId, bytes("a"))).get().error());
        return memberId;
    }

    @Test
    void commitAndFetchWithGenerationChecks() {
        String member = stableMember("g");
        assertEquals(Map.of(T0, GroupError.NONE, T1, GroupError.NONE),
                c.commitOffsets("g", 1, member, null, offsets(T0, 10L, T1, 20L)));
        assertEquals(Map.of(T0, GroupError.ILLEGAL_GENERATION), c.commitOffsets("g", 0, member, null, offsets(T0, 11L)));
        assertEquals(Map.of(T0, GroupError.UNKNOWN_MEMBER_ID),
                c.commitOffsets("g", 1, "stranger", null, offsets(T0, 11L)));
        assertEquals(Map.of(T0, GroupError.UNKNOWN_MEMBER_ID), c.commitOffsets("g", -1, "", null, offsets(T0, 11L)),
                "a simple commit to a group with members is refused");

        Map<TopicPartition, CommittedOffset> fetched = c.fetchOffsets("g", null);
        assertEquals(2, fetched.size());
        assertEquals(10L, fetched.get(T0).offset());
        assertEquals("m", fetched.get(T0).metadata());
        assertEquals(GroupHarness.START_MS + GroupConfig.DEFAULT_INITIAL_REBALANCE_DELAY_MS,
                fetched.get(T0).commitTimestampMs(), "commit time is the coordinator's clock");
        assertEquals(Map.of(T1, fetched.get(T1)), c.fetchOffsets("g", List.of(T1, U0)), "missing partitions are absent");
        assertEquals(Map.of(), c.fetchOffsets("nobody", null));
    }

    @Test
    void commitDuringRebalanceOrUnknownGroup() {
        String member = stableMember("g");
        // A new member joining starts a rebalance: commits of the current generation are still allowed.
        h.join("g", "", "other", "t");
        assertEquals(Map.of(T0, GroupError.NONE), c.commitOffsets("g", 1, member, null, offsets(T0, 5L)));
        assertEquals(Map.of(T0, GroupError.ILLEGAL_GENERATION),
                c.commitOffsets("never-seen", 3, "m", null, offsets(T0, 5L)));
    }

    @Test
    void simpleCommitsCreateAnEmptyGroup() {
        assertEquals(Map.of(T0, GroupError.NONE), c.commitOffsets("simple", -1, "", null, offsets(T0, 42L)));
        assertEquals(42L, c.fetchOffsets("simple", List.of(T0)).get(T0).offset());
        assertEquals(List.of(new GroupListing("simple", "", "Empty")), c.listGroups(Set.of("Empty"), Set.of()));
    }

    @Test
    void invalidPartitionsAndMetadataLimits() {
        Map<TopicPartition, CommittedOffset> request = new LinkedHashMap<>();
        request.put(T0, new CommittedOffset(1, 3, "x".repeat(GroupConfig.DEFAULT_MAX_METADATA_BYTES + 1), -1));
        request.put(T1, new CommittedOffset(2, 3, "x".repeat(GroupConfig.DEFAULT_MAX_METADATA_BYTES), -1));
        request.put(new TopicPartition("t", 9), new CommittedOffset(3, -1, null, -1));
        request.put(new TopicPartition("missing", 0), new CommittedOffset(3, -1, null, -1));
        Map<TopicPartition, GroupError> result = c.commitOffsets("s", -1, "", null, request);
        assertEquals(GroupError.OFFSET_METADATA_TOO_LARGE, result.get(T0));
        assertEquals(GroupError.NONE, result.get(T1));
        assertEquals(GroupError.UNKNOWN_TOPIC_OR_PARTITION, result.get(new TopicPartition("t", 9)));
        assertEquals(GroupError.UNKNOWN_TOPIC_OR_PARTITION, result.get(new TopicPartition("missing", 0)));
        assertEquals(Set.of(T1), c.fetchOffsets("s", null).keySet());
        assertEquals(3, c.fetchOffsets("s", null).get(T1).leaderEpoch());
    }

    @Test
    void deleteGroupsOnlyWhenEmpty() {
        stableMember("busy");
        c.commitOffsets("idle", -1, "", null, offsets(T0, 1L));
        Map<String, GroupError> result = c.deleteGroups(List.of("busy", "idle", "unknown"));
        assertEquals(GroupError.NON_EMPTY_GROUP, result.get("busy"));
        assertEquals(GroupError.NONE, result.get("idle"));
        assertEquals(GroupError.GROUP_ID_NOT_FOUND, result.get("unknown"));
        assertEquals(Map.of(), c.fetchOffsets("idle", null));
        assertEquals("Dead", c.describeGroup("idle").state());
        assertEquals(GroupError.GROUP_ID_NOT_FOUND, c.deleteGroups(List.of("idle")).get("idle"));
    }

    @Test
    void deleteOffsetsRespectsSubscriptions() {
        String member = stableMember("g");
        c.commitOffsets("g", 1, member, null, offsets(T0, 1L, U0, 2L));
        Map<TopicPartition, GroupError> result = c.deleteOffsets("g", List.of(T0, U0));
        assertEquals(GroupError.GROUP_SUBSCRIBED_TO_TOPIC, result.get(T0));
        assertEquals(GroupError.NONE, result.get(U0));
        assertEquals(Set.of(T0), c.fetchOffsets("g", null).keySet());
        assertEquals(Map.of(T0, GroupError.GROUP_ID_NOT_FOUND), c.deleteOffsets("nobody", List.of(T0)));
        c.leaveGroup("g", List.of(new LeaveMember(member, null)));
        assertEquals(Map.of(T0, GroupError.NONE), c.deleteOffsets("g", List.of(T0)));
        assertEquals(Map.of(), c.fetchOffsets("g", null));
    }

    @Test
    void offsetsOfEmptyGroupsExpire() throws InterruptedException {
        c.commitOffsets("old", -1, "", null, offsets(T0, 1L));
        // A session longer than the 10-minute steps below, so "live" stays Stable throughout.
        Pending<JoinResult> join = h.join(new JoinRequest("live", "", null, "c", "h",
                GroupConfig.DEFAULT_MAX_SESSION_TIMEOUT_MS, 60_000, "consumer",
                List.of(new JoinProtocol("range", GroupHarness.subscription("t"))), false));
        h.timer.advance(GroupConfig.DEFAULT_INITIAL_REBALANCE_DELAY_MS);
        String member = join.get().memberId();
        h.sync("live", 1, member, Map.of(member, bytes("a"))).get(); // stable once the assignment is stored
        assertEquals(Map.of(T0, GroupError.NONE), c.commitOffsets("live", 1, member, null, offsets(T0, 7L)));
        for (int i = 0; i < 3; i++) {
            h.timer.advance(10 * 60_000);
            assertEquals(GroupError.NONE, c.heartbeat("live", member, null, 1));
        }
        c.commitOffsets("old", -1, "", null, offsets(T1, 2L)); // a younger offset in the same group
        for (int i = 0; i < 4; i++) {
            h.timer.advance(10 * 60_000);
            assertEquals(GroupError.NONE, c.heartbeat("live", member, null, 1), "live " + i);
        }
        // 70 minutes: T0 of "old" is past retention, T1 (40 minutes old) is not. The timer's pass queues
        // the tombstones without waiting; they apply when the append completes.
        Waits.waitUntil(GroupHarness.ANSWER_TIMEOUT, () -> !c.fetchOffsets("old", null).containsKey(T0),
                () -> "the retention pass to remove t-0 of old");
        assertEquals(Set.of(T1), c.fetchOffsets("old", null).keySet());
        assertEquals(7L, c.fetchOffsets("live", List.of(T0)).get(T0).offset(), "a Stable group keeps its offsets");
        for (int i = 0; i < 3; i++) {
            h.timer.advance(10 * 60_000);
            assertEquals(GroupError.NONE, c.heartbeat("live", member, null, 1), "live " + i);
        }
        Waits.waitUntil(GroupHarness.ANSWER_TIMEOUT, () -> c.fetchOffsets("old", null).isEmpty(),
                () -> "the retention pass to remove old's offsets");
        Waits.waitUntil(GroupHarness.ANSWER_TIMEOUT, () -> "Dead".equals(c.describeGroup("old").state()),
                () -> "old to be removed");
        assertNull(c.listGroups(Set.of(), Set.of()).stream().filter(l -> l.groupId().equals("old")).findAny()
                .orElse(null));
        assertTrue(c.fetchOffsets("live", null).containsKey(T0));
    }
}
