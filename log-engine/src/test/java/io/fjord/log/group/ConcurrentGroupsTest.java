package io.fjord.log.group;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many threads drive their own groups at once through the production timer thread. No sleeps:
 * with no initial delay a single member's join completes on the calling thread.
 */
class ConcurrentGroupsTest {
    @TempDir
    Path dir;

    @Test
    void groupsProgressIndependentlyAcrossThreads() throws Exception {
        int threads = 8;
        int groupsPerThread = 25;
        GroupConfig config = GroupConfig.defaults().withInitialRebalanceDelayMs(0);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir).build());
             GroupCoordinator coordinator = GroupCoordinator.start(engine, config)) {
            engine.createTopic("t", 4);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int g = 0; g < groupsPerThread; g++) {
                        runGroup(coordinator, "g-" + thread + "-" + g);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            assertEquals(threads * groupsPerThread, coordinator.listGroups(java.util.Set.of("Empty"),
                    java.util.Set.of()).size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void runGroup(GroupCoordinator coordinator, String groupId) throws Exception {
        CompletableFuture<JoinResult> join = new CompletableFuture<>();
        coordinator.joinGroup(GroupHarness.joinRequest(groupId, "", null, "c",
                List.of(new JoinProtocol("range", GroupHarness.subscription("t")))), join::complete);
        JoinResult joined = join.get(10, TimeUnit.SECONDS);
        assertEquals(GroupError.NONE, joined.error());
        CompletableFuture<SyncResult> sync = new CompletableFuture<>();
        coordinator.syncGroup(new SyncRequest(groupId, joined.generationId(), joined.memberId(), null, null, null,
                Map.of(joined.memberId(), new byte[]{1})), sync::complete);
        assertEquals(GroupError.NONE, sync.get(10, TimeUnit.SECONDS).error());
        for (int i = 0; i < 10; i++) {
            TopicPartition tp = new TopicPartition("t", i % 4);
            assertEquals(GroupError.NONE, coordinator.commitOffsets(groupId, joined.generationId(), joined.memberId(),
                    null, Map.of(tp, new CommittedOffset(i, -1, null, -1))).get(tp));
            assertEquals(GroupError.NONE, coordinator.heartbeat(groupId, joined.memberId(), null,
                    joined.generationId()));
        }
        assertEquals(List.of(GroupError.NONE),
                coordinator.leaveGroup(groupId, List.of(new LeaveMember(joined.memberId(), null))));
        assertEquals(9L, coordinator.fetchOffsets(groupId, List.of(new TopicPartition("t", 1))).values().stream()
                .findFirst().orElseThrow().offset());
    }
}
