package io.fjord.log.cleaner;

import io.fjord.log.LogReader;
import io.fjord.log.Partition;
import io.fjord.log.TestRecords;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks a compacted partition against what was written to it. */
final class CompactedLogCheck {
    private CompactedLogCheck() {
    }

    /** One written record. */
    record Written(long offset, String key, String value) {
    }

    /**
     * Every record read is one that was written at that offset; offsets increase; the latest
     * record of every key is there; below {@code cleanedBelow}, only latest records remain (and
     * tombstones only while {@code tombstonesKept}); at and above it, every record remains.
     * Returns the records read.
     */
    static List<TestRecords.Read> verify(Partition partition, TreeMap<Long, Written> written, long cleanedBelow,
                                         boolean tombstonesKept) {
        return verify(partition, written, cleanedBelow, cleanedBelow, tombstonesKept);
    }

    /**
     * As above, with compaction asserted only below {@code compactedBelow} and completeness only
     * from {@code intactFrom} (e.g. 0 and the active segment while passes are partial).
     */
    static List<TestRecords.Read> verify(Partition partition, TreeMap<Long, Written> written, long compactedBelow,
                                         long intactFrom, boolean tombstonesKept) {
        long cleanedBelow = compactedBelow;
        Map<String, Long> latest = new HashMap<>();
        for (Written w : written.values()) {
            latest.put(w.key(), w.offset());
        }
        // The cleaner compares only with what it saw: records below its range.
        Map<String, Long> latestBelow = new HashMap<>();
        for (Written w : written.headMap(cleanedBelow).values()) {
            latestBelow.put(w.key(), w.offset());
        }
        List<TestRecords.Read> read = TestRecords.readAll(partition, partition.earliestOffset());
        long previous = -1;
        java.util.Set<Long> present = new java.util.HashSet<>();
        for (TestRecords.Read r : read) {
            assertTrue(r.offset() > previous, "offsets increase: " + r.offset() + " after " + previous);
            previous = r.offset();
            Written w = written.get(r.offset());
            assertNotNull(w, "offset " + r.offset() + " was written");
            assertEquals(w.key(), r.key(), "key at " + r.offset());
            assertEquals(w.value(), r.value(), "value at " + r.offset());
            boolean isLatest = latestBelow.getOrDefault(w.key(), -1L) == r.offset();
            if (r.offset() < cleanedBelow) {
                assertTrue(isLatest, "superseded record " + w + " survived cleaning below " + cleanedBelow);
                if (!tombstonesKept) {
                    assertTrue(w.value() != null, "expired tombstone " + w + " survived");
                }
            }
            present.add(r.offset());
        }
        for (Map.Entry<String, Long> entry : latest.entrySet()) {
            long offset = entry.getValue();
            boolean expiredTombstone = written.get(offset).value() == null && !tombstonesKept && offset < cleanedBelow;
            if (!expiredTombstone) {
                assertTrue(present.contains(offset), "latest record of " + entry.getKey() + " at " + offset + " is there");
            }
        }
        for (Written w : written.tailMap(intactFrom, true).values()) {
            assertTrue(present.contains(w.offset()), "uncleaned record " + w + " is there");
        }
        return read;
    }

    /** A read starting at any offset returns the first surviving record at or after it. */
    static void verifyEveryOffset(Partition partition, List<TestRecords.Read> survivors) {
        TreeMap<Long, TestRecords.Read> byOffset = new TreeMap<>();
        for (TestRecords.Read r : survivors) {
            byOffset.put(r.offset(), r);
        }
        for (long offset = partition.earliestOffset(); offset < partition.latestOffset(); offset++) {
            Map.Entry<Long, TestRecords.Read> expected = byOffset.ceilingEntry(offset);
            List<TestRecords.Read> got = new ArrayList<>();
            try (LogReader reader = partition.reader(offset)) {
                // A poll may end on batches the cleaner emptied; it moves past them.
                while (got.isEmpty() && reader.position() < partition.latestOffset()) {
                    long before = reader.position();
                    reader.poll(cursor -> got.add(TestRecords.read(cursor)), 1);
                    assertTrue(!got.isEmpty() || reader.position() > before, "reader stuck at " + before);
                }
            }
            if (expected == null) {
                assertTrue(got.isEmpty(), "nothing at or after " + offset + ", got " + got);
            } else {
                assertEquals(List.of(expected.getValue()), got, "read at " + offset);
            }
        }
    }
}
