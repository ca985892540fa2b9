package io.fjord.log;

import io.fjord.log.PowerLossTest.Ack;
import io.fjord.log.PowerLossTest.Appended;
import io.fjord.log.PowerLossTest.DeleteRecordsRequested;
import io.fjord.log.PowerLossTest.Durable;
import io.fjord.log.PowerLossTest.PartitionsAdded;
import io.fjord.log.PowerLossTest.PartitionsAdding;
import io.fjord.log.PowerLossTest.ProducerIdAllocated;
import io.fjord.log.PowerLossTest.Run;
import io.fjord.log.PowerLossTest.TopicCreated;
import io.fjord.log.PowerLossTest.TopicCreating;
import io.fjord.log.PowerLossTest.TopicDeleted;
import io.fjord.log.PowerLossTest.TopicDeleting;
import io.fjord.log.record.BatchValidation;
import io.fjord.log.record.RecordBatch;
import io.fjord.log.record.RecordCursor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What {@link PowerLossTest} checks on an engine reopened after a power loss, against what the
 * workload did ({@link Run}) and the events logged before the crash.
 */
final class PowerLossInvariants {
    private static final int READ_BYTES = 64 * 1024;

    private PowerLossInvariants() {
    }

    /** Producer ids come in durable blocks: the next one is above every id handed out before the crash. */
    static void checkProducerIds(LogEngine engine, List<Object> before, String where) {
        long highest = -1;
        for (Object event : before) {
            if (event instanceof ProducerIdAllocated allocated) {
                highest = Math.max(highest, allocated.id());
            }
        }
        long next = engine.allocateProducerId();
        assertTrue(next > highest, where + ": producer id " + next + " handed out again (up to " + highest
                + " was handed out before the crash)");
    }

    static void checkTopics(LogEngine engine, List<Object> before, Run run, String where) {
        Map<String, Integer> begun = new HashMap<>();
        Set<String> created = new HashSet<>();
        Set<String> deleting = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        Map<String, Integer> adding = new HashMap<>(); // a partition addition begun and not returned
        for (Object event : before) {
            if (event instanceof TopicCreating creating) {
                begun.put(creating.name(), creating.partitions());
            } else if (event instanceof PartitionsAdding grow) {
                adding.put(grow.name(), grow.total());
            } else if (event instanceof PartitionsAdded grown) {
                adding.remove(grown.name());
                begun.put(grown.name(), grown.total());
            } else if (event instanceof TopicCreated done) {
                created.add(done.name());
            } else if (event instanceof TopicDeleting doomed) {
                deleting.add(doomed.name());
            } else if (event instanceof TopicDeleted gone) {
                deleted.add(gone.name());
            }
        }
        for (String topic : engine.topics()) {
            assertTrue(begun.containsKey(topic), where + ": topic " + topic + " exists, but its creation had not begun");
            assertFalse(deleted.contains(topic), where + ": topic " + topic + " exists, but its deletion had returned");
            int count = engine.partitionCount(topic);
            assertTrue(count == begun.get(topic) || adding.containsKey(topic) && count == adding.get(topic), where
                    + ": topic " + topic + " has " + count + " partitions; it was committed with " + begun.get(topic)
                    + (adding.containsKey(topic) ? " and was growing to " + adding.get(topic) : ""));
        }
        for (String topic : created) {
            if (!deleting.contains(topic)) {
                assertTrue(engine.topicExists(topic), where + ": topic " + topic + " was created and is gone");
            }
        }
    }

    /** (b): CRC-valid batches, contiguous offsets, the appended records, working index lookups. */
    static Map<Long, String> checkPartition(Partition partition, Run run, String where) {
        Map<Long, String> keysRead = new HashMap<>();
        TopicPartition tp = partition.topicPartition();
        boolean compacted = run.configs.get(tp.topic()).compact();
        Map<Long, Appended> appended = run.appended.getOrDefault(tp, Map.of());
        long start = partition.earliestOffset();
        long end = partition.latestOffset();
        String at = where + ": " + tp + " [" + start + ", " + end + ")";
        long next = start;
        boolean first = true;
        List<long[]> batches = new ArrayList<>(); // base, last, position of the first record's timestamp
        RecordBatch batch = new RecordBatch();
        RecordCursor cursor = new RecordCursor();
        while (next < end) {
            if (compacted && partition.read(next, READ_BYTES).isEmpty()) {
                break; // no record left up to the end: the cleaner (or a lost tail, see the class comment) took them
            }
            ByteBuffer buffer = readRegion(partition, next, READ_BYTES, at);
            int position = 0;
            boolean progressed = false;
            while (buffer.limit() - position >= 12 && RecordBatch.sizeInBytes(buffer, position) <= buffer.limit() - position) {
                batch.wrap(buffer, position);
                BatchValidation validation = batch.validateStored(buffer.limit() - position, Integer.MAX_VALUE);
                assertEquals(BatchValidation.VALID, validation, at + ": a batch served at offset " + next + " is " + validation);
                if (first) {
                    assertTrue(batch.baseOffset() <= start || compacted && batch.baseOffset() >= start, at
                            + ": the first batch starts at " + batch.baseOffset() + ", after the log start");
                    first = false;
                } else if (compacted) {
                    assertTrue(batch.baseOffset() >= next, at + ": batch at " + batch.baseOffset() + " overlaps, expected >= " + next);
                } else {
                    assertEquals(next, batch.baseOffset(), at + ": offsets not contiguous");
                }
                cursor.reset(batch);
                int records = 0;
                long firstRecordOffset = -1;
                long firstRecordTimestamp = -1;
                while (cursor.next()) {
                    long offset = cursor.offset();
                    Appended expected = appended.get(offset);
                    if (expected == null) {
                        fail(at + ": offset " + offset + " holds a record that was never appended there");
                    }
                    assertEquals(expected.key(), string(cursor.keyBytes()), at + ": key at offset " + offset);
                    assertEquals(expected.value(), string(cursor.valueBytes()), at + ": value at offset " + offset);
                    assertEquals(expected.timestampMs(), cursor.timestamp(), at + ": timestamp at offset " + offset);
                    keysRead.put(offset, expected.key());
                    if (firstRecordOffset < 0 && offset >= start) {
                        firstRecordOffset = offset;
                        firstRecordTimestamp = cursor.timestamp();
                    }
                    records++;
                }
                if (!compacted) {
                    assertEquals(batch.lastOffset() - batch.baseOffset() + 1, records, at + ": records missing in a batch");
                }
                batches.add(new long[] {batch.baseOffset(), batch.lastOffset(), firstRecordOffset, firstRecordTimestamp});
                next = batch.lastOffset() + 1;
                position += batch.sizeInBytes();
                progressed = true;
            }
            assertTrue(progressed, at + ": no whole batch served at offset " + next);
        }
        if (compacted) {
            assertTrue(next <= end, at + ": batches run past the log end to " + next);
        } else {
            assertEquals(end, Math.max(next, start), at + ": the batches do not end at the log end");
        }
        for (long[] found : batches) {
            for (long offset : new long[] {found[0], found[1]}) {
                if (offset < start) {
                    continue;
                }
                ByteBuffer region = readRegion(partition, offset, 1, at);
                batch.wrap(region, 0);
                assertTrue(batch.baseOffset() <= offset && offset <= batch.lastOffset() || compacted
                        && batch.baseOffset() > offset, at + ": the index lookup of offset " + offset
                        + " lands on batch " + batch.baseOffset() + ".." + batch.lastOffset());
            }
            if (!compacted && found[2] >= 0) {
                assertEquals(found[2], partition.offsetForTimestamp(found[3]), at + ": time index lookup of "
                        + found[3] + " (the timestamp of offset " + found[2] + ")");
            }
        }
        return keysRead;
    }

    private static ByteBuffer readRegion(Partition partition, long offset, int maxBytes, String at) {
        FileRegion region = partition.read(offset, maxBytes);
        assertFalse(region.isEmpty(), at + ": nothing served at offset " + offset + " below the log end");
        ByteBuffer buffer = ByteBuffer.allocate(region.sizeBytes());
        try {
            region.readInto(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.flip();
        return buffer;
    }

    /**
     * (a): every record the engine promised durable before the crash is there (its bytes were
     * compared with what was appended by {@link #checkPartition}): acknowledged appends to a
     * durability=sync topic, and everything below the log end of a flush or a clean close that
     * returned. On a compacted topic, the last promised record of each key is there or was
     * superseded by a later record of that key.
     */
    static void checkPromises(LogEngine engine, List<Object> before, Run run,
                                                  Map<TopicPartition, Map<Long, String>> keysRead, String where) {
        Set<String> deleting = new HashSet<>();
        Map<TopicPartition, Long> deleteRecords = new HashMap<>();
        Map<TopicPartition, Long> durableBelow = new HashMap<>();
        Map<TopicPartition, Set<Long>> promised = new HashMap<>();
        for (Object event : before) {
            if (event instanceof TopicDeleting doomed) {
                deleting.add(doomed.name());
            } else if (event instanceof DeleteRecordsRequested requested) {
                deleteRecords.merge(requested.tp(), requested.offset(), Math::max);
            } else if (event instanceof Durable durable) {
                durableBelow.merge(durable.tp(), durable.below(), Math::max);
            } else if (event instanceof Ack ack && run.configs.get(ack.tp().topic()).syncDurability()) {
                for (long offset = ack.base(); offset <= ack.last(); offset++) {
                    promised.computeIfAbsent(ack.tp(), k -> new TreeSet<>()).add(offset);
                }
            }
        }
        durableBelow.forEach((tp, below) -> {
            for (long offset : run.appended.getOrDefault(tp, Map.of()).keySet()) {
                if (offset < below) {
                    promised.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
                }
            }
        });
        for (Map.Entry<TopicPartition, Set<Long>> entry : promised.entrySet()) {
            TopicPartition tp = entry.getKey();
            if (deleting.contains(tp.topic())) {
                continue;
            }
            String at = where + ": " + tp;
            assertTrue(engine.topicExists(tp.topic()), at + ": its topic is gone");
            Partition partition = engine.partition(tp.topic(), tp.partition());
            TopicConfig config = run.configs.get(tp.topic());
            long deletedBelow = config.retentionBytes() >= 0 ? Long.MAX_VALUE : deleteRecords.getOrDefault(tp, 0L);
            Map<Long, String> read = keysRead.get(tp);
            Map<String, Long> lastByKey = new HashMap<>();
            for (long offset : entry.getValue()) {
                assertTrue(offset < partition.latestOffset(), at + ": offset " + offset + " was promised durable, the log"
                        + " ends at " + partition.latestOffset());
                if (config.compact()) {
                    lastByKey.merge(String.valueOf(run.appended.get(tp).get(offset).key()), offset, Math::max);
                } else if (offset >= deletedBelow) {
                    assertTrue(offset >= partition.earliestOffset(), at + ": offset " + offset + " was promised durable,"
                            + " the log starts at " + partition.earliestOffset());
                    assertTrue(read.containsKey(offset), at + ": offset " + offset + " was promised durable and is not served");
                }
            }
            for (Map.Entry<String, Long> last : lastByKey.entrySet()) {
                boolean kept = read.entrySet().stream().anyMatch(record -> record.getKey() >= last.getValue()
                        && String.valueOf(record.getValue()).equals(last.getKey()));
                assertTrue(kept || deletedBelow > last.getValue(), at + ": lost the record of key " + last.getKey()
                        + " promised durable at offset " + last.getValue() + ", and no later one of that key is there");
            }
        }
    }

    private static String string(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
