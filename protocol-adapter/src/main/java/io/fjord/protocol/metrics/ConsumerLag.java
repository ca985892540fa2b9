package io.fjord.protocol.metrics;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicPartition;
import io.fjord.log.group.CommittedOffset;
import io.fjord.log.group.GroupCoordinator;
import io.fjord.log.group.GroupListing;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;

import java.util.Map;

/**
 * Consumer group lag, computed at scrape time: for each committed offset, the partition's log end
 * offset minus it (never below 0). Read-only: it reads the coordinator's in-memory offsets and never
 * starts the coordinator (which would create {@code __consumer_offsets}); before the first group
 * request there are no groups to report.
 */
final class ConsumerLag {
    private final LogEngine engine;

    ConsumerLag(LogEngine engine) {
        this.engine = engine;
    }

    void collect(Snapshots out) {
        GaugeSnapshot.Builder lag = out.gauge("fjord_consumer_group_lag",
                "Log end offset minus the group's committed offset, by group, topic and partition");
        GroupCoordinator groups = engine.startedGroupCoordinator();
        if (groups != null) {
            for (GroupListing group : groups.listGroups(null, null)) {
                for (Map.Entry<TopicPartition, CommittedOffset> committed
                        : groups.fetchOffsets(group.groupId(), null).entrySet()) {
                    TopicPartition tp = committed.getKey();
                    long logEnd;
                    try {
                        logEnd = engine.partition(tp.topic(), tp.partition()).latestOffset();
                    } catch (RuntimeException e) {
                        continue; // the topic was deleted: no lag to speak of
                    }
                    long behind = Math.max(0, logEnd - committed.getValue().offset());
                    lag.dataPoint(Snapshots.value(behind, "group", group.groupId(), "topic", tp.topic(),
                            "partition", Integer.toString(tp.partition())));
                }
            }
        }
        out.add(lag.build());
    }
}
