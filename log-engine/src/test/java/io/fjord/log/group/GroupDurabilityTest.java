package io.fjord.log.group;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.fjord.log.group.GroupHarness.Pending;
import static io.fjord.log.group.GroupHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Offsets and group metadata survive restarts (clean, unclean, after compaction of the internal topic). */
class GroupDurabilityTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    @TempDir
    Path dir;

    private static CommittedOffset at(long offset) {
        return new CommittedOffset(offset, 5, "meta", -1);
    }

    private void populate(GroupHarness h) {
        h.engine.createTopic("t", 2);
        GroupCoordinator c = h.coordinator;
        Pending<JoinResult> a = h.join(GroupHarness.joinRequest("g", "", "instance-a", "a",
                List.of(new JoinProtocol("range", GroupHarness.subscription("t")))));
        h.timer.advance(GroupConfig.DEFAULT_INITIAL_REBALANCE_DELAY_MS);
        String member = a.get().memberId();
        assertEquals(GroupError.NONE, h.sync("g", 1, member, Map.of(member, bytes("P"))).get().error());
        assertEquals(GroupError.NONE, c.commitOffsets("g", 1, member, null, Map.of(T0, at(100))).get(T0));
        assertEquals(GroupError.NONE, c.commitOffsets("g", 1, member, null, Map.of(T0, at(150), T1, at(7))).get(T0));
        c.commitOffsets("simple", -1, "", null, Map.of(T1, at(3)));
        c.commitOffsets("deleted", -1, "", null, Map.of(T1, at(4)));
        assertEquals(GroupError.NONE, c.deleteGroups(List.of("deleted")).get("deleted"));
        c.commitOffsets("trimmed", -1, "", null, Map.of(T0, at(1), T1, at(2)));
        c.deleteOffsets("trimmed", List.of(T0));
    }

    private void verify(GroupHarness h, String memberId) {
        GroupCoordinator c = h.coordinator;
        assertEquals(Map.of(T0, 150L, T1, 7L), offsetsOf(c, "g"));
        assertEquals(Map.of(T1, 3L), offsetsOf(c, "simple"));
        assertEquals(Map.of(), offsetsOf(c, "deleted"));
        assertEquals("Dead", c.describeGroup("deleted").state());
        assertEquals(Map.of(T1, 2L), offsetsOf(c, "trimmed"));
        assertEquals("meta", c.fetchOffsets("g", List.of(T0)).get(T0).metadata());
        assertEquals(5, c.fetchOffsets("g", List.of(T0)).get(T0).leaderEpoch());

        GroupDescription description = c.describeGroup("g");
        assertEquals("Stable", description.state());
        assertEquals("range", description.protocolName());
        assertEquals(1, description.members().size());
        MemberDescription member = description.members().get(0);
        assertEquals(memberId, member.memberId());
        assertEquals("instance-a", member.groupInstanceId());
        assertArrayEquals(bytes("P"), member.assignment());
        assertArrayEquals(GroupHarness.subscription("t"), member.metadata());
        // The restored member carries on in its generation...
        assertEquals(GroupError.NONE, c.heartbeat("g", memberId, "instance-a", 1));
        Pending<SyncResult> sync = h.sync("g", 1, memberId, Map.of());
        assertArrayEquals(bytes("P"), sync.get().assignment());
        // ...and the next generation continues from the stored one.
        Pending<JoinResult> newcomer = h.join("g", "", "b", "t");
        Pending<JoinResult> rejoin = h.join(GroupHarness.joinRequest("g", memberId, "instance-a", "a",
                List.of(new JoinProtocol("range", GroupHarness.subscription("t")))));
        assertEquals(2, rejoin.get().generationId());
        assertEquals(2, newcomer.get().generationId());
    }

    private static Map<TopicPartition, Long> offsetsOf(GroupCoordinator c, String group) {
        Map<TopicPartition, Long> result = new java.util.HashMap<>();
        c.fetchOffsets(group, null).forEach((tp, o) -> result.put(tp, o.offset()));
        return result;
    }

    @Test
    void survivesCleanRestart() {
        String memberId;
        try (GroupHarness h = new GroupHarness(dir, GroupConfig.defaults())) {
            populate(h);
            memberId = h.coordinator.describeGroup("g").members().get(0).memberId();
            h.closeBoth();
            h.open();
            verify(h, memberId);
        }
    }

    @Test
    void survivesUncleanRestart() throws Exception {
        try (GroupHarness h = new GroupHarness(dir, GroupConfig.defaults())) {
            populate(h);
            String memberId = h.coordinator.describeGroup("g").members().get(0).memberId();
            h.closeBoth();
            Files.delete(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
            h.open();
            verify(h, memberId);
        }
    }

    @Test
    void survivesRestartAfterCompaction() throws Exception {
        GroupConfig config = GroupConfig.defaults().withOffsetsTopicPartitions(1)
                .withOffsetsTopicSegmentBytes(512);
        try (GroupHarness h = new GroupHarness(dir, config)) {
            populate(h);
            String memberId = h.coordinator.describeGroup("g").members().get(0).memberId();
            assertTrue(h.engine.cleanLogsNow() > 0, "tiny segments: the cleaner rewrote some");
            h.closeBoth();
            Files.deleteIfExists(dir.resolve(LogEngine.CLEAN_SHUTDOWN_FILE));
            h.open();
            verify(h, memberId);
        }
    }

    @Test
    void restoredMembersWithoutClientsExpire() {
        try (GroupHarness h = new GroupHarness(dir, GroupConfig.defaults())) {
            populate(h);
            h.closeBoth();
            h.open();
            h.timer.advance(GroupHarness.SESSION_MS);
            assertEquals("Empty", h.coordinator.describeGroup("g").state());
            assertEquals(Map.of(T0, 150L, T1, 7L), offsetsOf(h.coordinator, "g"));
        }
    }
}
