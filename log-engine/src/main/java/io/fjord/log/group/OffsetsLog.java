package io.fjord.log.group;

import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import io.fjord.log.Partition;
import io.fjord.log.TopicConfig;
import io.fjord.log.io.MillisClock;
import io.fjord.log.record.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The internal topic {@code __consumer_offsets}: appends the coordinator's records (layout in
 * {@link OffsetsTopicDescriptor}), replays them on start, and keeps the topic bounded.
 *
 * <h2>Why snapshots</h2>
 * Kafka keeps this topic small with log compaction, which Fjord does not have yet. Instead each
 * internal partition keeps, in memory, the latest value of every live key (what compaction would
 * leave). After {@code snapshotIntervalRecords} appends (or twice the live-key count, whichever is
 * larger, so a snapshot never costs more than half the appends it retires), the live values are
 * appended again as a snapshot starting at offset S, then {@code deleteRecords(S)}: everything below
 * S is superseded, and because the topic uses small segments, whole old segments are deleted.
 * Replay from any log start at or below S gives the same state, since records are applied in log
 * order with last-writer-wins per key; a crash in the middle of a snapshot leaves S unmoved.
 *
 * <h2>Ordering</h2>
 * Appends to one internal partition hold that partition's lock from append to map update, so
 * the log order and the live map agree (a snapshot must never re-append a value that a
 * concurrent commit has already superseded). Lock order: group lock, then partition lock.
 *
 * <p>Thread-safe.
 */
final class OffsetsLog {
    private static final System.Logger LOG = System.getLogger(OffsetsLog.class.getName());
    /** Records per poll while replaying: bounds the per-poll work, not the result. */
    private static final int REPLAY_RECORDS_PER_POLL = 4096;

    private final Partition[] partitions;
    private final Slot[] slots;
    private final MillisClock clock;
    private final int snapshotIntervalRecords;
    private final int maxBatchBytes;

    /** Per internal partition: its lock, live map and reusable batch builder. */
    private static final class Slot {
        final Map<ByteBuffer, byte[]> live = new HashMap<>();
        final RecordBatchBuilder builder = new RecordBatchBuilder(4096);
        long appendedSinceSnapshot;
    }

    /** One key/value to append; a null value is a tombstone. */
    record Entry(byte[] key, byte[] value) {
    }

    /** Receives replayed records in log order. */
    interface ReplayHandler {
        void onRecord(byte[] key, byte[] value);
    }

    private OffsetsLog(Partition[] partitions, MillisClock clock, int snapshotIntervalRecords, int maxBatchBytes) {
        this.partitions = partitions;
        this.clock = clock;
        this.snapshotIntervalRecords = snapshotIntervalRecords;
        this.maxBatchBytes = maxBatchBytes;
        this.slots = new Slot[partitions.length];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    /** Opens the internal topic, creating it with bounded-size settings if it does not exist. */
    static OffsetsLog open(LogEngine engine, GroupConfig config) {
        String topic = OffsetsTopicDescriptor.TOPIC;
        if (!engine.topicExists(topic)) {
            TopicConfig topicConfig = TopicConfig.defaults()
                    .with(TopicConfig.SEGMENT_BYTES, Integer.toString(config.offsetsTopicSegmentBytes()))
                    .with(TopicConfig.MAX_MESSAGE_BYTES, Integer.toString(config.offsetsTopicMaxMessageBytes()))
                    // Time retention would drop live offsets; snapshots + deleteRecords bound the size instead.
                    .with(TopicConfig.RETENTION_MS, "-1")
                    .with(TopicConfig.RETENTION_BYTES, "-1");
            engine.createTopic(topic, config.offsetsTopicPartitions(), topicConfig);
        }
        List<Partition> list = engine.partitions(topic);
        int existing = list.size();
        if (existing != config.offsetsTopicPartitions()) {
            // Like Kafka: the count is fixed once created, because it decides each group's home partition.
            LOG.log(System.Logger.Level.WARNING, "{0} has {1} partitions; offsetsTopicPartitions={2} is ignored",
                    topic, existing, config.offsetsTopicPartitions());
        }
        return new OffsetsLog(list.toArray(new Partition[0]), engine.config().clock(),
                config.snapshotIntervalRecords(), config.offsetsTopicMaxMessageBytes());
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

    /**
     * Appends the entries as one batch (all or nothing) to the group's partition and returns once
     * the engine acknowledged them. Snapshots the partition when one is due.
     *
     * @throws RuntimeException the engine's exception when the append failed; nothing was applied
     */
    void append(String groupId, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        int index = partitionFor(groupId);
        Slot slot = slots[index];
        synchronized (slot) {
            long nowMs = clock.nowMs();
            RecordBatchBuilder builder = slot.builder.reset();
            for (Entry entry : entries) {
                builder.append(nowMs, entry.key(), entry.value());
            }
            partitions[index].appendBatch(builder.build());
            for (Entry entry : entries) {
                applyLive(slot, entry.key(), entry.value());
            }
            slot.appendedSinceSnapshot += entries.size();
            if (slot.appendedSinceSnapshot >= Math.max(snapshotIntervalRecords, 2L * slot.live.size())) {
                snapshot(index, slot);
            }
        }
    }

    /** Forces a snapshot of every partition (tests, and a hook for shutdown compaction later). */
    void snapshotAll() {
        for (int i = 0; i < slots.length; i++) {
            synchronized (slots[i]) {
                snapshot(i, slots[i]);
            }
        }
    }

    private void snapshot(int index, Slot slot) {
        assert Thread.holdsLock(slot);
        Partition partition = partitions[index];
        long snapshotStart = partition.latestOffset();
        long nowMs = clock.nowMs();
        RecordBatchBuilder builder = slot.builder.reset();
        // Chunked below max.message.bytes; half leaves room for the batch and record overheads.
        int chunkBytes = Math.max(1, maxBatchBytes / 2);
        for (Map.Entry<ByteBuffer, byte[]> entry : slot.live.entrySet()) {
            byte[] key = entry.getKey().array();
            if (builder.recordCount() > 0
                    && builder.estimatedSizeInBytes() + key.length + entry.getValue().length > chunkBytes) {
                partition.appendBatch(builder.build());
                builder.reset();
            }
            builder.append(nowMs, key, entry.getValue());
        }
        if (builder.recordCount() > 0) {
            partition.appendBatch(builder.build());
        }
        partition.deleteRecords(snapshotStart);
        slot.appendedSinceSnapshot = 0;
    }

    private static void applyLive(Slot slot, byte[] key, byte[] value) {
        ByteBuffer wrapped = ByteBuffer.wrap(key);
        if (value == null) {
            slot.live.remove(wrapped);
        } else {
            slot.live.put(wrapped, value);
        }
    }

    /** Replays every partition from its log start, in log order per partition. Call before serving. */
    void replay(ReplayHandler handler) {
        for (int i = 0; i < partitions.length; i++) {
            Partition partition = partitions[i];
            Slot slot = slots[i];
            synchronized (slot) {
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
                            applyLive(slot, entry.key(), entry.value());
                            handler.onRecord(entry.key(), entry.value());
                        }
                        slot.appendedSinceSnapshot += batch.size();
                        batch.clear();
                        if (reader.position() == before) {
                            break; // nothing readable past here (e.g. a compressed batch): stop, do not spin
                        }
                    }
                }
            }
        }
    }

    /** Live keys of one partition (tests). */
    int liveKeys(int index) {
        synchronized (slots[index]) {
            return slots[index].live.size();
        }
    }
}
