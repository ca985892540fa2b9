package io.fjord.log.group;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fjord.log.group.GroupHarness.Pending;
import static io.fjord.log.group.GroupHarness.REBALANCE_MS;
import static io.fjord.log.group.GroupHarness.SESSION_MS;
import static io.fjord.log.group.GroupHarness.bytes;
import static io.fjord.log.group.GroupHarness.joinRequest;
import static io.fjord.log.group.GroupHarness.protocols;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classic group state machine, driven by a manual clock: no sleeps. */
class GroupMembershipTest {
    private static final int DELAY_MS = GroupConfig.DEFAULT_INITIAL_REBALANCE_DELAY_MS;

    @TempDir
    Path dir;
    GroupHarness h;
    GroupCoordinator c;

    @BeforeEach
    void setUp() {
        h = new GroupHarness(dir, GroupConfig.defaults());
        c = h.coordinator;
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** Joins the given new members, waits out the initial delay, and syncs with "assign-<i>" per member. */
    private List<JoinResult> stableGroup(String group, String... clients) {
        List<Pending<JoinResult>> joins = new java.util.ArrayList<>();
        for (String client : clients) {
            joins.add(h.join(group, "", client, "t"));
        }
        // Members joining during the initial delay extend it once more (Kafka's InitialDelayedJoin).
        h.timer.advance(2L * DELAY_MS);
        List<JoinResult> results = joins.stream().map(Pending::get).toList();
        JoinResult leader = results.stream().filter(r -> r.memberId().equals(r.leaderId())).findFirst().orElseThrow();
        Map<String, byte[]> assignments = new java.util.HashMap<>();
        for (JoinResult r : results) {
            assertEquals(GroupError.NONE, r.error());
            assignments.put(r.memberId(), bytes("assign-" + r.memberId()));
        }
        List<Pending<SyncResult>> syncs = new java.util.ArrayList<>();
        for (JoinResult r : results) {
            if (r != leader) {
                syncs.add(h.sync(group, r.generationId(), r.memberId(), Map.of()));
            }
        }
        syncs.add(h.sync(group, leader.generationId(), leader.memberId(), assignments));
        for (Pending<SyncResult> sync : syncs) {
            assertEquals(GroupError.NONE, sync.get().error());
        }
        assertEquals("Stable", c.describeGroup(group).state());
        return results;
    }

    @Test
    void singleMemberJoinSyncHeartbeat() {
        Pending<JoinResult> join = h.join("g", "", "client", "t");
        assertFalse(join.done(), "the first join of an Empty group waits for the initial rebalance delay");
        assertEquals("PreparingRebalance", c.describeGroup("g").state());
        h.timer.advance(DELAY_MS);
        JoinResult result = join.get();
        assertEquals(GroupError.NONE, result.error());
        assertEquals(1, result.generationId());
        assertEquals("range", result.protocolName());
        assertEquals("consumer", result.protocolType());
        assertEquals(result.memberId(), result.leaderId());
        assertTrue(result.memberId().startsWith("client-"));
        assertEquals(1, result.members().size());
        assertEquals("CompletingRebalance", c.describeGroup("g").state());

        Pending<SyncResult> sync = h.sync("g", 1, result.memberId(), Map.of(result.memberId(), bytes("a0")));
        assertEquals(GroupError.NONE, sync.get().error());
        assertArrayEquals(bytes("a0"), sync.get().assignment());
        assertEquals(GroupError.NONE, c.heartbeat("g", result.memberId(), null, 1));
        assertEquals(GroupError.ILLEGAL_GENERATION, c.heartbeat("g", result.memberId(), null, 0));
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, c.heartbeat("g", "nobody", null, 1));
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, c.heartbeat("unknown-group", "nobody", null, 1));

        GroupDescription description = c.describeGroup("g");
        assertEquals("Stable", description.state());
        assertEquals("range", description.protocolName());
        assertArrayEquals(bytes("a0"), description.members().get(0).assignment());
        assertEquals(List.of(new GroupListing("g", "consumer", "Stable")), c.listGroups(Set.of(), Set.of()));
        assertEquals(List.of(), c.listGroups(Set.of("Empty"), Set.of()));
        assertEquals(1, c.listGroups(Set.of("stable"), Set.of("consumer")).size());
    }

    @Test
    void memberIdRequiredFlow() {
        JoinRequest first = new JoinRequest("g", "", null, "client", "host", SESSION_MS, REBALANCE_MS, "consumer",
                protocols("range"), true);
        Pending<JoinResult> join = h.join(first);
        assertEquals(GroupError.MEMBER_ID_REQUIRED, join.get().error());
        String memberId = join.get().memberId();
        assertTrue(memberId.startsWith("client-"));

        Pending<JoinResult> rejoin = h.join(new JoinRequest("g", memberId, null, "client", "host", SESSION_MS,
                REBALANCE_MS, "consumer", protocols("range"), true));
        h.timer.advance(DELAY_MS);
        assertEquals(GroupError.NONE, rejoin.get().error());
        assertEquals(memberId, rejoin.get().memberId());
        assertEquals(1, rejoin.get().generationId());
    }

    @Test
    void pendingMemberIdExpiresAfterSessionTimeout() {
        Pending<JoinResult> join = h.join(new JoinRequest("g", "", null, "client", "host", SESSION_MS, REBALANCE_MS,
                "consumer", protocols("range"), true));
        String memberId = join.get().memberId();
        h.timer.advance(SESSION_MS);
        Pending<JoinResult> late = h.join(new JoinRequest("g", memberId, null, "client", "host", SESSION_MS,
                REBALANCE_MS, "consumer", protocols("range"), true));
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, late.get().error());
    }

    @Test
    void threeMembersLeaderGetsMetadataAndAssignmentsAreDelivered() {
        Pending<JoinResult> a = h.join("g", "", "a", "t1");
        Pending<JoinResult> b = h.join("g", "", "b", "t2");
        Pending<JoinResult> cc = h.join("g", "", "c", "t3");
        h.timer.advance(2L * DELAY_MS);
        JoinResult leader = a.get();
        assertEquals(leader.memberId(), leader.leaderId(), "the first member leads");
        assertEquals(3, leader.members().size());
        assertArrayEquals(GroupHarness.subscription("t2"), leader.members().get(1).metadata());
        assertEquals(List.of(), b.get().members());
        assertEquals(leader.leaderId(), cc.get().leaderId());
        assertEquals(1, cc.get().generationId());

        Pending<SyncResult> syncB = h.sync("g", 1, b.get().memberId(), Map.of());
        Pending<SyncResult> syncC = h.sync("g", 1, cc.get().memberId(), Map.of());
        assertFalse(syncB.done(), "followers wait for the leader's assignment");
        assertEquals(GroupError.NONE, c.heartbeat("g", b.get().memberId(), null, 1));
        Pending<SyncResult> syncA = h.sync("g", 1, a.get().memberId(), Map.of(
                a.get().memberId(), bytes("A"), b.get().memberId(), bytes("B"), cc.get().memberId(), bytes("C")));
        assertArrayEquals(bytes("A"), syncA.get().assignment());
        assertArrayEquals(bytes("B"), syncB.get().assignment());
        assertArrayEquals(bytes("C"), syncC.get().assignment());
        assertEquals("range", syncC.get().protocolName());
        assertEquals(1, syncB.calls());
    }

    @Test
    void leaveTriggersRebalanceAndSurvivorsRejoinWithNewGeneration() {
        List<JoinResult> members = stableGroup("g", "a", "b", "c");
        String a = members.get(0).memberId();
        String b = members.get(1).memberId();
        String gone = members.get(2).memberId();
        assertEquals(List.of(GroupError.NONE, GroupError.UNKNOWN_MEMBER_ID),
                c.leaveGroup("g", List.of(new LeaveMember(gone, null), new LeaveMember("nobody", null))));
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, c.heartbeat("g", a, null, 1));
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, h.sync("g", 1, b, Map.of()).get().error());
        Pending<JoinResult> ja = h.join("g", a, "a", "t");
        assertFalse(ja.done());
        Pending<JoinResult> jb = h.join("g", b, "b", "t");
        assertEquals(GroupError.NONE, ja.get().error(), "all known members rejoined: no need to wait");
        assertEquals(2, ja.get().generationId());
        assertEquals(2, ja.get().members().size());
        assertEquals(a, jb.get().leaderId());
    }

    @Test
    void lastMemberLeavingEmptiesTheGroup() {
        String a = stableGroup("g", "a").get(0).memberId();
        assertEquals(List.of(GroupError.NONE), c.leaveGroup("g", List.of(new LeaveMember(a, null))));
        GroupDescription description = c.describeGroup("g");
        assertEquals("Empty", description.state());
        assertEquals(List.of(), description.members());
    }

    @Test
    void silentMemberIsExpelledAfterSessionTimeout() {
        List<JoinResult> members = stableGroup("g", "a", "b");
        String a = members.get(0).memberId();
        String b = members.get(1).memberId();
        for (int i = 0; i < 2; i++) { // 9,998 ms: b is silent but still within its session
            h.timer.advance(SESSION_MS / 2 - 1);
            assertEquals(GroupError.NONE, c.heartbeat("g", a, null, 1));
        }
        h.timer.advance(SESSION_MS / 2);
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, c.heartbeat("g", a, null, 1), "b's session expired");
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, c.heartbeat("g", b, null, 1));
        Pending<JoinResult> rejoin = h.join("g", a, "a", "t");
        assertEquals(2, rejoin.get().generationId());
        assertEquals(1, rejoin.get().members().size());
    }

    @Test
    void memberNotRejoiningWithinRebalanceTimeoutIsDropped() {
        List<JoinResult> members = stableGroup("g", "a", "b");
        String a = members.get(0).memberId();
        String b = members.get(1).memberId();
        Pending<JoinResult> rejoin = h.join(joinRequest("g", a, null, "a",
                List.of(new JoinProtocol("range", GroupHarness.subscription("t", "more")))));
        assertFalse(rejoin.done());
        // b keeps heartbeating (so its session never expires) but never rejoins.
        for (int elapsed = 0; elapsed < REBALANCE_MS - 5_000; elapsed += 5_000) {
            h.timer.advance(5_000);
            assertEquals(GroupError.REBALANCE_IN_PROGRESS, c.heartbeat("g", b, null, 1));
        }
        assertFalse(rejoin.done());
        h.timer.advance(5_000);
        assertEquals(GroupError.NONE, rejoin.get().error());
        assertEquals(2, rejoin.get().generationId());
        assertEquals(1, rejoin.get().members().size());
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, c.heartbeat("g", b, null, 2));
    }

    @Test
    void staticMemberRejoinKeepsMembershipAndFencesOldId() {
        Pending<JoinResult> first = h.join(joinRequest("g", "", "instance-1", "app", protocols("range")));
        Pending<JoinResult> other = h.join(joinRequest("g", "", "instance-2", "app", protocols("range")));
        h.timer.advance(2L * DELAY_MS);
        String oldId = first.get().memberId();
        String otherId = other.get().memberId();
        h.sync("g", 1, otherId, Map.of());
        assertEquals(GroupError.NONE, h.sync("g", 1, oldId, Map.of(oldId, bytes("P0"), otherId, bytes("P1")))
                .get().error());

        // The client restarts: same instance id, no member id.
        Pending<JoinResult> restarted = h.join(joinRequest("g", "", "instance-1", "app", protocols("range")));
        JoinResult result = restarted.get();
        assertEquals(GroupError.NONE, result.error(), "an unchanged static member rejoins without a rebalance");
        assertNotEquals(oldId, result.memberId());
        assertEquals(1, result.generationId());
        assertEquals(result.memberId(), result.leaderId(), "it was the leader and still is");
        assertEquals("Stable", c.describeGroup("g").state());
        assertEquals(GroupError.FENCED_INSTANCE_ID, c.heartbeat("g", oldId, "instance-1", 1));
        assertEquals(GroupError.NONE, c.heartbeat("g", result.memberId(), "instance-1", 1));
        assertEquals(GroupError.NONE, c.heartbeat("g", otherId, "instance-2", 1));
        Pending<SyncResult> sync = new Pending<>();
        c.syncGroup(new SyncRequest("g", 1, result.memberId(), "instance-1", null, null, Map.of()), sync::accept);
        assertArrayEquals(bytes("P0"), sync.get().assignment(), "the assignment stays with the instance");
        assertEquals(List.of(GroupError.FENCED_INSTANCE_ID),
                c.leaveGroup("g", List.of(new LeaveMember(oldId, "instance-1"))));
        assertEquals(List.of(GroupError.NONE), c.leaveGroup("g", List.of(new LeaveMember("", "instance-2"))));
    }

    @Test
    void protocolSelectionFollowsTheVote() {
        Pending<JoinResult> a = h.join(joinRequest("g", "", null, "a", protocols("range", "roundrobin")));
        Pending<JoinResult> b = h.join(joinRequest("g", "", null, "b", protocols("roundrobin", "range")));
        Pending<JoinResult> d = h.join(joinRequest("g", "", null, "d", protocols("sticky", "roundrobin", "range")));
        h.timer.advance(2L * DELAY_MS);
        // sticky is not supported by everyone; of range and roundrobin, roundrobin gets 2 first-choice votes.
        assertEquals("roundrobin", a.get().protocolName());
        assertEquals("roundrobin", b.get().protocolName());
        assertEquals("roundrobin", d.get().protocolName());
    }

    @Test
    void inconsistentProtocolTypeOrNoCommonProtocolIsRefused() {
        stableGroup("g", "a");
        Pending<JoinResult> connect = h.join(new JoinRequest("g", "", null, "w", "h", SESSION_MS, REBALANCE_MS,
                "connect", protocols("range"), false));
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, connect.get().error());
        Pending<JoinResult> noCommon = h.join(joinRequest("g", "", null, "x", protocols("other")));
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, noCommon.get().error());
        Pending<JoinResult> none = h.join(joinRequest("g2", "", null, "x", List.of()));
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, none.get().error());
        Pending<JoinResult> otherType = h.join(new JoinRequest("g3", "", null, "w", "h", SESSION_MS, REBALANCE_MS,
                "connect", protocols("sessioned"), false));
        h.timer.advance(DELAY_MS);
        assertEquals(GroupError.NONE, otherType.get().error(), "other protocol types are accepted too");
        assertEquals(List.of(new GroupListing("g3", "connect", "CompletingRebalance")),
                c.listGroups(Set.of(), Set.of("connect")));
    }

    @Test
    void sessionTimeoutOutsideBoundsIsRefused() {
        for (int sessionMs : new int[]{GroupConfig.DEFAULT_MIN_SESSION_TIMEOUT_MS - 1,
                GroupConfig.DEFAULT_MAX_SESSION_TIMEOUT_MS + 1}) {
            Pending<JoinResult> join = h.join(new JoinRequest("g", "", null, "c", "h", sessionMs, REBALANCE_MS,
                    "consumer", protocols("range"), false));
            assertEquals(GroupError.INVALID_SESSION_TIMEOUT, join.get().error());
        }
        assertEquals(GroupError.INVALID_GROUP_ID, h.join("", "", "c", "t").get().error());
    }

    @Test
    void groupSizeIsLimited() {
        h.close();
        h = new GroupHarness(dir, GroupConfig.defaults().withMaxMembersPerGroup(2));
        c = h.coordinator;
        Pending<JoinResult> a = h.join("g", "", "a", "t");
        Pending<JoinResult> b = h.join("g", "", "b", "t");
        Pending<JoinResult> third = h.join("g", "", "c", "t");
        assertEquals(GroupError.GROUP_MAX_SIZE_REACHED, third.get().error());
        h.timer.advance(2L * DELAY_MS);
        assertEquals(2, a.get().members().size());
        assertEquals(GroupError.NONE, b.get().error());
    }

    @Test
    void oversizedSubscriptionIsRefused() {
        byte[] huge = new byte[GroupConfig.DEFAULT_MAX_PROTOCOL_METADATA_BYTES + 1];
        Pending<JoinResult> join = h.join(joinRequest("g", "", null, "c", List.of(new JoinProtocol("range", huge))));
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, join.get().error());
    }

    @Test
    void newJoinersExtendTheInitialDelayUpToTheRebalanceTimeout() {
        Pending<JoinResult> a = h.join("g", "", "a", "t");
        h.timer.advance(DELAY_MS - 1_000);
        Pending<JoinResult> b = h.join("g", "", "b", "t");
        h.timer.advance(1_000);
        assertFalse(a.done(), "b arrived during the delay: wait another delay");
        h.timer.advance(DELAY_MS);
        assertEquals(2, a.get().members().size());
        assertEquals(GroupError.NONE, b.get().error());
    }

    @Test
    void syncChecksGenerationAndMember() {
        String a = stableGroup("g", "a").get(0).memberId();
        assertEquals(GroupError.ILLEGAL_GENERATION, h.sync("g", 7, a, Map.of()).get().error());
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, h.sync("g", 1, "nobody", Map.of()).get().error());
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, h.sync("missing", 1, a, Map.of()).get().error());
        Pending<SyncResult> wrongName = new Pending<>();
        c.syncGroup(new SyncRequest("g", 1, a, null, "consumer", "roundrobin", Map.of()), wrongName::accept);
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, wrongName.get().error());
    }

    @Test
    void closeAnswersWaitingJoins() {
        Pending<JoinResult> a = h.join("g", "", "a", "t");
        c.close();
        assertEquals(GroupError.COORDINATOR_NOT_AVAILABLE, a.get().error());
        assertEquals(1, a.calls());
    }

    @Test
    void membersThatNeverSyncAreDroppedAfterTheRebalanceTimeout() {
        Pending<JoinResult> a = h.join("g", "", "a", "t");
        Pending<JoinResult> b = h.join("g", "", "b", "t");
        h.timer.advance(2L * DELAY_MS);
        String leader = a.get().memberId();
        String follower = b.get().memberId();
        Pending<SyncResult> waiting = h.sync("g", 1, follower, Map.of());
        // The leader heartbeats but never sends its assignment.
        for (int elapsed = 0; elapsed < REBALANCE_MS - 5_000; elapsed += 5_000) {
            h.timer.advance(5_000);
            assertEquals(GroupError.NONE, c.heartbeat("g", leader, null, 1));
        }
        assertFalse(waiting.done());
        h.timer.advance(5_000);
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, waiting.get().error());
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, c.heartbeat("g", leader, null, 1));
        Pending<JoinResult> rejoin = h.join("g", follower, "b", "t");
        assertEquals(follower, rejoin.get().leaderId(), "the follower leads the next generation");
        assertEquals(2, rejoin.get().generationId());
    }

    @Test
    void groupCountIsLimited() {
        h.close();
        h = new GroupHarness(dir, GroupConfig.defaults().withMaxGroups(2));
        c = h.coordinator;
        h.join("g1", "", "a", "t");
        h.join("g2", "", "a", "t");
        assertEquals(GroupError.COORDINATOR_NOT_AVAILABLE, h.join("g3", "", "a", "t").get().error());
    }
}
