package io.fjord.log.producer;

import io.fjord.log.InvalidProducerEpochException;
import io.fjord.log.OutOfOrderSequenceException;
import io.fjord.log.TopicPartition;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A partition's idempotence state, Kafka's rules: per producer id, its epoch and the sequence
 * ranges and offsets of its last {@value #BATCHES_PER_PRODUCER} batches. A retried batch that
 * matches one of them is a duplicate and is answered with the original offsets instead of being
 * written again; a batch that does not continue the sequence is refused.
 *
 * <p>Checked and updated by the partition's writer thread only. Expiry runs on the scheduler; the
 * map is concurrent so that is safe, and the worst a race can do is forget a producer that was
 * just about to expire anyway (its next batch is then accepted as from a new producer).
 */
public final class ProducerStateManager {
    /** Kafka keeps five: the most batches an idempotent producer has in flight per partition. */
    public static final int BATCHES_PER_PRODUCER = 5;
    /** Kafka's {@code producer.id.expiration.ms}: state of producers idle this long is dropped. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;

    private final TopicPartition topicPartition;
    private final Map<Long, ProducerEntry> producers = new ConcurrentHashMap<>();

    public ProducerStateManager(TopicPartition topicPartition) {
        this.topicPartition = topicPartition;
    }

    /** Where a batch that a retry duplicates was appended: its first and last offsets. */
    public record LoggedBatch(long firstOffset, long lastOffset) {
    }

    /**
     * Checks a batch from producer {@code producerId}. Returns where it was appended when it
     * duplicates a batch already in the log, null when it may be appended.
     *
     * @throws InvalidProducerEpochException for an epoch older than the current one
     * @throws OutOfOrderSequenceException   for a sequence that does not follow the last batch
     */
    public LoggedBatch findDuplicate(long producerId, short epoch, int firstSequence, int lastSequence) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            return null; // unknown (new, or its state expired or was retained away): accept
        }
        if (epoch < entry.epoch) {
            throw new InvalidProducerEpochException(topicPartition + ": producer " + producerId + " epoch " + epoch
                    + " is older than the current epoch " + entry.epoch);
        }
        if (epoch > entry.epoch) {
            if (firstSequence != 0) {
                throw new OutOfOrderSequenceException(topicPartition + ": producer " + producerId + " bumped its epoch to "
                        + epoch + " but starts at sequence " + firstSequence + ", not 0");
            }
            return null;
        }
        int slot = entry.find(firstSequence, lastSequence);
        if (slot >= 0) {
            return new LoggedBatch(entry.firstOffsets[slot], entry.lastOffsets[slot]); // a retry: rare
        }
        int expected = nextSequence(entry.lastSequence());
        if (firstSequence != expected) {
            throw new OutOfOrderSequenceException(topicPartition + ": producer " + producerId + " sent sequence "
                    + firstSequence + " where " + expected + " was expected");
        }
        return null;
    }

    /** Records a batch that was appended (or found in the log during rebuild). */
    public void onAppended(long producerId, short epoch, int firstSequence, int lastSequence, long firstOffset,
                           long lastOffset, long nowMs) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null || epoch > entry.epoch) {
            entry = new ProducerEntry(epoch);
            producers.put(producerId, entry);
        }
        entry.add(firstSequence, lastSequence, firstOffset, lastOffset);
        entry.lastUpdateMs = nowMs;
    }

    /** Drops producers idle for longer than {@code expirationMs}; returns how many. */
    public int removeExpired(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<ProducerEntry> it = producers.values().iterator(); it.hasNext(); ) {
            if (nowMs - it.next().lastUpdateMs > expirationMs) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    public int producerCount() {
        return producers.size();
    }

    /** Sequences wrap from Integer.MAX_VALUE to 0, as Kafka's producers do. */
    static int nextSequence(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /** One producer's epoch and a ring of its last batches. */
    private static final class ProducerEntry {
        final short epoch;
        final int[] firstSequences = new int[BATCHES_PER_PRODUCER];
        final int[] lastSequences = new int[BATCHES_PER_PRODUCER];
        final long[] firstOffsets = new long[BATCHES_PER_PRODUCER];
        final long[] lastOffsets = new long[BATCHES_PER_PRODUCER];
        int count;
        int newest = -1;
        volatile long lastUpdateMs;

        ProducerEntry(short epoch) {
            this.epoch = epoch;
        }

        void add(int firstSequence, int lastSequence, long firstOffset, long lastOffset) {
            newest = (newest + 1) % BATCHES_PER_PRODUCER;
            firstSequences[newest] = firstSequence;
            lastSequences[newest] = lastSequence;
            firstOffsets[newest] = firstOffset;
            lastOffsets[newest] = lastOffset;
            count = Math.min(count + 1, BATCHES_PER_PRODUCER);
        }

        int find(int firstSequence, int lastSequence) {
            for (int i = 0; i < count; i++) {
                int slot = Math.floorMod(newest - i, BATCHES_PER_PRODUCER);
                if (firstSequences[slot] == firstSequence && lastSequences[slot] == lastSequence) {
                    return slot;
                }
            }
            return -1;
        }

        int lastSequence() {
            return lastSequences[newest];
        }
    }
}
