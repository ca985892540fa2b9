package io.fjord.log.group;

import io.fjord.log.EngineClosedException;
import io.fjord.log.FjordException;
import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import io.fjord.log.Partition;
import io.fjord.log.TopicConfig;
import io.fjord.log.io.MillisClock;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.log.writer.Admission;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The internal topic {@code __consumer_offsets}: appends the coordinator's records (layout in
 * {@link OffsetsTopicDescriptor}), replays them on start; log compaction keeps it bounded.
 *
 * <h2>Why compaction is enough</h2>
 * Every record has a key (one per group and partition, or one per group) and a later record of a
 * key supersedes the earlier ones, so the topic is {@code cleanup.policy=compact}: the engine's
 * cleaner keeps the last record per key and drops a tombstone (a deleted group or offset) once
 * {@code delete.retention.ms} has passed since compaction first saw it. Replay applies records in
 * log order, last writer wins, tombstones delete; compaction removes only records a later record
 * of the same key supersedes, so replay of the compacted log gives the same state as replay of
 * the full one. The coordinator's state lives in {@link GroupCoordinator}; this class keeps none.
 *
 * <p>Small segments ({@link GroupConfig#offsetsTopicSegmentBytes()}) matter: the cleaner never
 * touches the active segment, so the segment size is roughly how much superseded history stays
 * behind the compacted part.
 *
 * <p>Engines created before compaction existed made the topic with {@code cleanup.policy=delete}
 * (bounded then by snapshots and {@code deleteRecords}); {@link #open} switches it to compact,
 * which is safe because such a log is a valid, merely uncompacted, history.
 *
 * <p>Thread-safe. Appends to one internal partition are serialised by its slot (which owns a
 * reusable batch builder) and never wait for the writer; the caller holds the group's lock while
 * it queues (never while the append runs), so one group's records reach the log in the order the
 * group decided them.
 */
final class OffsetsLog {
    private static final System.Logger LOG = System.getLogger(OffsetsLog.class.getName());
    /** Records per poll while replaying: bounds the per-poll work, not the result. */
    private static final int REPLAY_RECORDS_PER_POLL = 4096;

    private final Partition[] partitions;
    private final Slot[] slots;
    private final MillisClock clock;

    /** Per internal partition: the lock and reusable batch builder of its appends. */
    private static final class Slot {
        final RecordBatchBuilder builder = new RecordBatchBuilder(4096);
    }

    /** One key/value to append; a null value is a tombstone. */
    record Entry(byte[] key, byte[] value) {
    }

    /** Receives replayed records in log order. */
    interface ReplayHandler {
        void onRecord(byte[] key, byte[] value);
    }

    private OffsetsLog(Partition[] partitions, MillisClock clock) {
        this.partitions = partitions;
        this.clock = clock;
        this.slots = new Slot[partitions.length];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * Opens the internal topic, creating it compacted with small segments if it does not exist,
     * and switching an existing topic made with the old (delete) policy to compact.
     */
    static OffsetsLog open(LogEngine engine, GroupConfig config) {
        String topic = OffsetsTopicDescriptor.TOPIC;
        if (!engine.topicExists(topic)) {
            engine.createTopic(topic, config.offsetsTopicPartitions(), topicConfig(config));
        } else {
            TopicConfig own = engine.topicConfig(topic);
            TopicConfig wanted = own.with(TopicConfig.CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT);
            if (!engine.effectiveTopicConfig(topic).cleanupPolicy().equals(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                LOG.log(System.Logger.Level.INFO, "{0}: switching {1} from {2} to {3}", topic,
                        TopicConfig.CLEANUP_POLICY, engine.effectiveTopicConfig(topic).cleanupPolicy(),
                        TopicConfig.CLEANUP_POLICY_COMPACT);
                engine.alterTopicConfig(topic, wanted);
            }
        }
        List<Partition> list = engine.partitions(topic);
        int existing = list.size();
        if (existing != config.offsetsTopicPartitions()) {
            // Like Kafka: the count is fixed once created, because it decides each group's home partition.
            LOG.log(System.Logger.Level.WARNING, "{0} has {1} partitions; offsetsTopicPartitions={2} is ignored",
                    topic, existing, config.offsetsTopicPartitions());
        }
        return new OffsetsLog(list.toArray(new Partition[0]), engine.config().clock());
    }

    /**
     * The internal topic's own configs: compacted, small segments, and no time or size retention
     * (either would drop live offsets; Kafka's offsets topic is compact-only for the same reason).
     * Dirty ratio, compaction lag and {@code delete.retention.ms} keep the engine's defaults
     * (0.5, 0 ms, one day), as Kafka's offsets topic does.
     */
    static TopicConfig topicConfig(GroupConfig config) {
        return TopicConfig.defaults()
                .with(TopicConfig.CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT)
                .with(TopicConfig.SEGMENT_BYTES, Integer.toString(config.offsetsTopicSegmentBytes()))
                .with(TopicConfig.MAX_MESSAGE_BYTES, Integer.toString(config.offsetsTopicMaxMessageBytes()))
                .with(TopicConfig.RETENTION_MS, "-1")
                .with(TopicConfig.RETENTION_BYTES, "-1");
    }

    int partitionCount() {
        return partitions.length;
    }

    int partitionFor(String groupId) {
        return OffsetsTopicDescriptor.partitionFor(groupId, partitions.length);
    }

    Partition partition(int index) {
        return partitions[index];
    }

    /** How a queued append ended, told on the writer thread: quickly, without waiting for anything. */
    interface Completion {
        /** @param error null when the entries are in the log */
        void onAppended(FjordException error);
    }

    /**
     * Queues the entries as one batch (all or nothing) for the group's partition and returns at
     * once, never waiting for the writer: {@code completion} runs on the writer thread when the
     * engine has acknowledged or refused them. Appends of one partition complete in the order they
     * were queued, which is the order of this call (the slot serialises build and enqueue), so a
     * caller that applies outcomes in completion order sees the log's order.
     *
     * @return false when the writer's queue is full: nothing was queued, {@code completion} never runs
     * @throws EngineClosedException the engine is closed; nothing was queued
     */
    boolean appendAsync(String groupId, List<Entry> entries, Completion completion) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("nothing to append for group " + groupId);
        }
        int index = partitionFor(groupId);
        Slot slot = slots[index];
        synchronized (slot) {
            long nowMs = clock.nowMs();
            RecordBatchBuilder builder = slot.builder.reset();
            for (Entry entry : entries) {
                builder.append(nowMs, entry.key(), entry.value());
            }
            ByteBuffer built = builder.build();
            // The builder is reused by the next append while this one waits in the queue: copy.
            ByteBuffer batch = ByteBuffer.allocate(built.remaining());
            batch.put(built).flip();
            return partitions[index].tryAppendBatchAsync(batch,
                    (baseOffset, lastOffset, error) -> completion.onAppended(error)) == Admission.QUEUED;
        }
    }

    /** Replays every partition from its log start, in log order per partition. Call before serving. */
    void replay(ReplayHandler handler) {
        for (int i = 0; i < partitions.length; i++) {
            Partition partition = partitions[i];
            synchronized (slots[i]) {
                List<Entry> batch = new ArrayList<>();
                try (LogReader reader = partition.reader(partition.earliestOffset())) {
                    while (reader.position() < partition.latestOffset()) {
                        long before = reader.position();
                        reader.poll(record -> batch.add(new Entry(record.keyBytes(), record.valueBytes())),
                                REPLAY_RECORDS_PER_POLL);
                        for (Entry entry : batch) {
                            if (entry.key() == null) {
                                continue;
                            }
                            handler.onRecord(entry.key(), entry.value());
                        }
                        batch.clear();
                        if (reader.position() == before) {
                            break; // nothing readable past here (e.g. a compressed batch): stop, do not spin
                        }
                    }
                }
            }
        }
    }
}
