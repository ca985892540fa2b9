package io.fjord.log.group;

import io.fjord.log.TopicConfig;
import io.fjord.log.TopicPartition;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.testsupport.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static io.fjord.log.group.GroupHarness.Pending;
import static io.fjord.log.group.GroupHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator never waits for a {@code __consumer_offsets} append and holds no group lock
 * across one: a commit or an assignment is applied when its append completes, and a failed or
 * refused append leaves the group as it was and is answered with Kafka's error for it. The engine
 * has one writer thread, which the tests hold (a blocking append callback) to keep appends pending.
 */
class GroupAppendCompletionTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    private GroupHarness h;
    private CountDownLatch release;

    @AfterEach
    void tearDown() {
        if (release != null) {
            release.countDown();
        }
        if (h != null) {
            h.close();
        }
    }

    private void open(GroupConfig config, int writerQueueCapacity) {
        h = new GroupHarness(dir, config.withInitialRebalanceDelayMs(0), new ManualTimer(GroupHarness.START_MS),
                builder -> builder.writerThreads(1).writerQueueCapacity(writerQueueCapacity));
        h.engine.createTopic("t", 1, TopicConfig.defaults());
    }

    /** Blocks the engine's only writer thread in an append callback until {@link #release} opens. */
    private void holdWriter() throws InterruptedException {
        release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        h.engine.partition("t", 0).appendBatchAsync(batch(), (base, last, error) -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
    }

    private static java.nio.ByteBuffer batch() {
        java.nio.ByteBuffer built = new RecordBatchBuilder(256).append(GroupHarness.START_MS, null, bytes("x")).build();
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(built.remaining());
        return copy.put(built).flip();
    }

    private static Map<TopicPartition, CommittedOffset> offset(long offset) {
        return Map.of(T0, new CommittedOffset(offset, -1, "", -1));
    }

    /** One member, joined (generation 1) and waiting in CompletingRebalance for its SyncGroup. */
    private String joinedLeader(String group) {
        JoinResult join = h.join(group, "", "a", "t").get();
        assertEquals(GroupError.NONE, join.error());
        assertEquals(join.memberId(), join.leaderId());
        return join.memberId();
    }

    @Test
    void aCommitIsAnsweredAndVisibleOnlyWhenItsAppendCompletesAndTheGroupIsNotLockedMeanwhile() throws Exception {
        open(GroupConfig.defaults(), 1024);
        String member = joinedLeader("g");
        assertEquals(GroupError.NONE, h.sync("g", 1, member, Map.of(member, bytes("a"))).get().error());
        holdWriter();
        AtomicReference<Map<TopicPartition, GroupError>> answer = new AtomicReference<>();
        h.coordinator.commitOffsets("g", 1, member, null, offset(42), answer::set);
        // The call returned with the append pending: nothing answered, nothing visible, and the
        // group's lock is free (a heartbeat and an OffsetFetch of the same group are answered).
        assertNull(answer.get());
        assertEquals(Map.of(), h.coordinator.fetchOffsets("g", null));
        assertEquals(GroupError.NONE, h.coordinator.heartbeat("g", member, null, 1));
        assertEquals("Stable", h.coordinator.describeGroup("g").state());
        release.countDown();
        Waits.waitUntil(GroupHarness.ANSWER_TIMEOUT, () -> answer.get() != null, () -> "the commit's answer");
        assertEquals(Map.of(T0, GroupError.NONE), answer.get());
        assertEquals(42L, h.coordinator.fetchOffsets("g", null).get(T0).offset());
    }

    @Test
    void aCommitTheFullWriterQueueRefusesIsRequestTimedOutAndLeavesNothing() throws Exception {
        open(GroupConfig.defaults(), 1);
        holdWriter();
        h.engine.partition("t", 0).appendBatchAsync(batch(), (base, last, error) -> { }); // fills the queue
        AtomicReference<Map<TopicPartition, GroupError>> answer = new AtomicReference<>();
        h.coordinator.commitOffsets("g", -1, "", null, offset(7), answer::set);
        // Refused at once, on the calling thread: never parked waiting for room.
        assertEquals(Map.of(T0, GroupError.REQUEST_TIMED_OUT), answer.get());
        release.countDown();
        assertEquals(Map.of(), h.coordinator.fetchOffsets("g", null));
        h.closeBoth();
        h.open();
        assertEquals(Map.of(), h.coordinator.fetchOffsets("g", null), "nothing of the refused commit was logged");
    }

    @Test
    void aSyncWhoseAppendIsRefusedAnswersRebalanceInProgressAndAssignsNothing() throws Exception {
        open(GroupConfig.defaults(), 1);
        String leader = joinedLeader("g");
        holdWriter();
        h.engine.partition("t", 0).appendBatchAsync(batch(), (base, last, error) -> { }); // fills the queue
        Pending<SyncResult> sync = h.sync("g", 1, leader, Map.of(leader, bytes("assignment")));
        // Kafka's answer for a group store that timed out: the members rejoin.
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, sync.get().error());
        GroupDescription described = h.coordinator.describeGroup("g");
        assertEquals("PreparingRebalance", described.state());
        assertArrayEquals(new byte[0], described.members().get(0).assignment());
        release.countDown();
    }

    @Test
    void aSyncIsAnsweredWhenTheAssignmentIsStoredAndAStaleStoreChangesNothing() throws Exception {
        open(GroupConfig.defaults(), 1024);
        String leader = joinedLeader("g");
        holdWriter();
        Pending<SyncResult> sync = h.sync("g", 1, leader, Map.of(leader, bytes("first")));
        assertFalse(sync.done(), "answered before its assignment was stored");
        assertEquals("CompletingRebalance", h.coordinator.describeGroup("g").state());
        // While the store is pending the member rejoins with other protocols: a new rebalance begins,
        // the pending SyncGroup is answered by it, and the stale store must not make the group Stable.
        Pending<JoinResult> rejoin = h.join(GroupHarness.joinRequest("g", leader, null, "a",
                List.of(new JoinProtocol("range", GroupHarness.subscription("t", "u")))));
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, sync.get().error());
        assertEquals(GroupError.NONE, rejoin.get().error());
        assertEquals(2, rejoin.get().generationId());
        release.countDown();
        h.engine.partition("t", 0).appendBatch(batch()); // the one writer is FIFO: the stale store completed first
        assertEquals("CompletingRebalance", h.coordinator.describeGroup("g").state());
        Pending<SyncResult> second = h.sync("g", 2, leader, Map.of(leader, bytes("second")));
        assertArrayEquals(bytes("second"), second.get().assignment());
        assertEquals("Stable", h.coordinator.describeGroup("g").state());
    }

    @Test
    void aSyncWhoseRecordIsTooLargeAnswersUnknownServerErrorAndNothingIsStored() throws Exception {
        open(GroupConfig.defaults().withOffsetsTopicMaxMessageBytes(1024), 1024);
        String leader = joinedLeader("g");
        Pending<SyncResult> sync = h.sync("g", 1, leader, Map.of(leader, new byte[4096]));
        // Kafka maps MESSAGE_TOO_LARGE of a group store to UNKNOWN_SERVER_ERROR.
        assertEquals(GroupError.UNKNOWN_SERVER_ERROR, sync.get().error());
        assertEquals("PreparingRebalance", h.coordinator.describeGroup("g").state());
        assertArrayEquals(new byte[0], h.coordinator.describeGroup("g").members().get(0).assignment());
        h.closeBoth();
        h.open();
        assertTrue(h.coordinator.describeGroup("g").members().stream().noneMatch(m -> m.assignment().length > 0),
                "the refused assignment is not in the log");
    }

    @Test
    void aGroupDeletedWhileACommitIsPendingLosesThatCommitToo() throws Exception {
        open(GroupConfig.defaults(), 1024);
        assertEquals(Map.of(T0, GroupError.NONE), h.coordinator.commitOffsets("g", -1, "", null, offset(1)));
        holdWriter();
        AtomicReference<Map<TopicPartition, GroupError>> committed = new AtomicReference<>();
        h.coordinator.commitOffsets("g", -1, "", null, offset(2), committed::set);
        AtomicReference<Map<String, GroupError>> deleted = new AtomicReference<>();
        h.coordinator.deleteGroups(List.of("g"), deleted::set);
        // Dead while its tombstones are on their way: nothing new lands in it meanwhile.
        assertEquals("Dead", h.coordinator.describeGroup("g").state());
        AtomicReference<Map<TopicPartition, GroupError>> late = new AtomicReference<>();
        h.coordinator.commitOffsets("g", -1, "", null, offset(3), late::set);
        assertEquals(Map.of(T0, GroupError.COORDINATOR_NOT_AVAILABLE), late.get());
        release.countDown();
        Waits.waitUntil(GroupHarness.ANSWER_TIMEOUT, () -> deleted.get() != null, () -> "the delete's answer");
        assertEquals(Map.of(T0, GroupError.NONE), committed.get(), "completed before the delete, in log order");
        assertEquals(Map.of("g", GroupError.NONE), deleted.get());
        assertEquals(Map.of(), h.coordinator.fetchOffsets("g", null));
        h.closeBoth();
        h.open();
        assertEquals(Map.of(), h.coordinator.fetchOffsets("g", null),
                "the pending commit got a tombstone too, so replay does not bring it back");
    }

    @Test
    void retentionLeavesAPartitionWithAPendingCommitAlone() throws Exception {
        open(GroupConfig.defaults().withOffsetsRetentionMs(60_000), 1024);
        assertEquals(Map.of(T0, GroupError.NONE), h.coordinator.commitOffsets("g", -1, "", null, offset(1)));
        h.timer.advance(120_000); // the commit is past retention now
        holdWriter();
        AtomicReference<Map<TopicPartition, GroupError>> committed = new AtomicReference<>();
        h.coordinator.commitOffsets("g", -1, "", null, offset(2), committed::set);
        h.coordinator.expireOffsets(); // queues nothing: the partition's new commit is pending
        release.countDown();
        Waits.waitUntil(GroupHarness.ANSWER_TIMEOUT, () -> committed.get() != null, () -> "the commit's answer");
        assertEquals(2L, h.coordinator.fetchOffsets("g", null).get(T0).offset());
        h.closeBoth();
        h.open();
        assertEquals(2L, h.coordinator.fetchOffsets("g", null).get(T0).offset(), "the fresh commit survives replay");
    }
}
