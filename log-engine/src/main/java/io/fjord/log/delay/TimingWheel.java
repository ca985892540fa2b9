package io.fjord.log.delay;

import java.util.function.Consumer;

/**
 * A hierarchical timing wheel: deadlines in O(1) per schedule and cancel, expiry by walking
 * buckets rather than a heap. Level 0 has {@code slotsPerLevel} buckets of {@code tickMs} each;
 * every further level has as many buckets, each as wide as the whole level below (Kafka's
 * TimingWheel layout, Varghese and Lauck's scheme 6). Levels are added on demand, up to the
 * width a {@code long} of milliseconds needs. A bucket of an upper level that comes due is
 * spilled into the lower levels, so an entry is touched at most once per level.
 *
 * <p>Time is whatever the caller passes to {@link #expire}: tests drive it with a fake clock.
 * Not thread-safe: the owner serialises access (the purgatory guards it with one lock).
 *
 * @param <T> what an entry carries (the purgatory: its delayed operation)
 */
public final class TimingWheel<T> {
    /** Default resolution: a fetch's max_wait_ms is in milliseconds. */
    public static final long DEFAULT_TICK_MS = 1;
    /** Default buckets per level: 64 levels of 1 ms, 64 ms, 4.1 s, 4.4 min, 4.7 h ... */
    public static final int DEFAULT_SLOTS_PER_LEVEL = 64;
    /** Enough levels for any non-negative {@code long} span with the smallest allowed wheel. */
    private static final int MAX_LEVELS = 64;

    /** One scheduled deadline; a handle to {@link #cancel} it. */
    public static final class Entry<T> {
        private final T payload;
        private final long deadlineMs;
        private Bucket<T> bucket;
        private Entry<T> prev;
        private Entry<T> next;

        private Entry(T payload, long deadlineMs) {
            this.payload = payload;
            this.deadlineMs = deadlineMs;
        }

        public T payload() {
            return payload;
        }

        public long deadlineMs() {
            return deadlineMs;
        }

        /** True while the entry is in the wheel (neither expired nor cancelled). */
        public boolean isScheduled() {
            return bucket != null;
        }
    }

    /** A doubly linked list of entries sharing one expiry time (the start of the bucket's span). */
    private static final class Bucket<T> {
        private final int level;
        private Entry<T> head;
        private long expirationMs = Long.MAX_VALUE;

        Bucket(int level) {
            this.level = level;
        }

        boolean isEmpty() {
            return head == null;
        }

        void add(Entry<T> entry) {
            entry.bucket = this;
            entry.prev = null;
            entry.next = head;
            if (head != null) {
                head.prev = entry;
            }
            head = entry;
        }

        void remove(Entry<T> entry) {
            if (entry.prev != null) {
                entry.prev.next = entry.next;
            } else {
                head = entry.next;
            }
            if (entry.next != null) {
                entry.next.prev = entry.prev;
            }
            entry.bucket = null;
            entry.prev = null;
            entry.next = null;
        }

        /** Empties the bucket and returns its former list (linked through {@code next}). */
        Entry<T> detachAll() {
            Entry<T> first = head;
            head = null;
            expirationMs = Long.MAX_VALUE;
            return first;
        }
    }

    private final long tickMs;
    private final int slotsPerLevel;
    private final int slotMask;
    /** levels[i] has buckets of tickMs * slotsPerLevel^i; null until first needed. */
    @SuppressWarnings("unchecked")
    private final Bucket<T>[][] levels = new Bucket[MAX_LEVELS][];
    private final int[] entriesPerLevel = new int[MAX_LEVELS];
    private int levelCount;
    /** The wheel's time: the latest time expired to. Buckets are found by flooring it to each level's width. */
    private long currentMs;
    private int size;

    public TimingWheel(long tickMs, int slotsPerLevel, long startMs) {
        if (tickMs <= 0) {
            throw new IllegalArgumentException("tickMs must be positive: " + tickMs);
        }
        if (slotsPerLevel < 2 || Integer.bitCount(slotsPerLevel) != 1) {
            throw new IllegalArgumentException("slotsPerLevel must be a power of two of at least 2: " + slotsPerLevel);
        }
        this.tickMs = tickMs;
        this.slotsPerLevel = slotsPerLevel;
        this.slotMask = slotsPerLevel - 1;
        this.currentMs = Math.floorDiv(startMs, tickMs) * tickMs;
        addLevel();
    }

    /** Entries scheduled and neither expired nor cancelled. */
    public int size() {
        return size;
    }

    /** Levels created so far (upper levels appear when a deadline needs them). */
    public int levelCount() {
        return levelCount;
    }

    /** Schedules {@code payload} to expire at {@code deadlineMs}; a deadline already past expires at the next {@link #expire}. */
    public Entry<T> schedule(long deadlineMs, T payload) {
        Entry<T> entry = new Entry<>(payload, deadlineMs);
        place(entry);
        size++;
        return entry;
    }

    /** Removes {@code entry} if it is still scheduled; true if it was. O(1). */
    public boolean cancel(Entry<T> entry) {
        Bucket<T> bucket = entry.bucket;
        if (bucket == null) {
            return false;
        }
        bucket.remove(entry);
        if (bucket.isEmpty()) {
            bucket.expirationMs = Long.MAX_VALUE;
        }
        entriesPerLevel[levelOf(bucket)]--;
        size--;
        return true;
    }

    /**
     * Advances the wheel to {@code nowMs} and hands every entry whose deadline is at or before
     * it to {@code onExpired} (in deadline order, bucket by bucket). Returns how many expired.
     * The callback must not touch this wheel.
     */
    public int expire(long nowMs, Consumer<T> onExpired) {
        int expired = 0;
        while (true) {
            long due = earliestBucketMs();
            if (size == 0 || due > nowMs) {
                break;
            }
            advanceTo(due);
            Bucket<T> bucket = earliestBucket(due);
            entriesPerLevel[levelOf(bucket)] -= count(bucket.head);
            Entry<T> entry = bucket.detachAll();
            while (entry != null) {
                Entry<T> next = entry.next;
                entry.bucket = null;
                entry.prev = null;
                entry.next = null;
                if (entry.deadlineMs <= nowMs) {
                    size--;
                    expired++;
                    onExpired.accept(entry.payload);
                } else {
                    place(entry); // spills into a lower level, or stays in its level-0 bucket, not due yet
                }
                entry = next;
            }
        }
        advanceTo(nowMs);
        return expired;
    }

    /**
     * When the next bucket comes due: the earliest time {@link #expire} has work (an entry
     * expires, or an upper-level bucket spills). {@link Long#MAX_VALUE} when empty.
     */
    public long nextExpirationMs() {
        return size == 0 ? Long.MAX_VALUE : earliestBucketMs();
    }

    private void advanceTo(long timeMs) {
        if (timeMs > currentMs) {
            currentMs = timeMs;
        }
    }

    /** Buckets of level {@code level} are tickMs * slots^level wide. */
    private long bucketWidthMs(int level) {
        long width = tickMs;
        for (int i = 0; i < level; i++) {
            width = multiplySaturated(width, slotsPerLevel);
        }
        return width;
    }

    private void place(Entry<T> entry) {
        long deadline = Math.max(entry.deadlineMs, currentMs); // a past deadline waits in the current bucket
        int level = 0;
        while (true) {
            long width = bucketWidthMs(level);
            long levelStart = Math.floorDiv(currentMs, width) * width;
            long span = multiplySaturated(width, slotsPerLevel);
            if (deadline - levelStart < span || span == Long.MAX_VALUE) {
                while (level >= levelCount) {
                    addLevel();
                }
                Bucket<T> bucket = levels[level][(int) (Math.floorDiv(deadline, width) & slotMask)];
                bucket.add(entry);
                // Level 0 comes due at its earliest deadline, so an entry expires exactly on time;
                // an upper level at its start, when its entries spill into the levels below.
                bucket.expirationMs = level == 0 ? Math.min(bucket.expirationMs, deadline)
                        : Math.floorDiv(deadline, width) * width;
                entriesPerLevel[level]++;
                return;
            }
            level++;
            if (level >= MAX_LEVELS) {
                throw new IllegalStateException("deadline " + entry.deadlineMs + " is beyond the wheel");
            }
        }
    }

    private void addLevel() {
        @SuppressWarnings("unchecked")
        Bucket<T>[] buckets = new Bucket[slotsPerLevel];
        for (int i = 0; i < slotsPerLevel; i++) {
            buckets[i] = new Bucket<>(levelCount);
        }
        levels[levelCount++] = buckets;
    }

    /** The earliest expiration among non-empty buckets; per level, the first non-empty bucket from the current slot on. */
    private long earliestBucketMs() {
        long earliest = Long.MAX_VALUE;
        for (int level = 0; level < levelCount; level++) {
            if (entriesPerLevel[level] == 0) {
                continue;
            }
            Bucket<T> bucket = firstNonEmpty(level);
            if (bucket != null && bucket.expirationMs < earliest) {
                earliest = bucket.expirationMs;
            }
        }
        return earliest;
    }

    private Bucket<T> earliestBucket(long expirationMs) {
        for (int level = 0; level < levelCount; level++) {
            if (entriesPerLevel[level] == 0) {
                continue;
            }
            Bucket<T> bucket = firstNonEmpty(level);
            if (bucket != null && bucket.expirationMs == expirationMs) {
                return bucket;
            }
        }
        throw new IllegalStateException("no bucket expires at " + expirationMs);
    }

    private Bucket<T> firstNonEmpty(int level) {
        long width = bucketWidthMs(level);
        int start = (int) (Math.floorDiv(currentMs, width) & slotMask);
        Bucket<T>[] buckets = levels[level];
        for (int i = 0; i < slotsPerLevel; i++) {
            Bucket<T> bucket = buckets[(start + i) & slotMask];
            if (!bucket.isEmpty()) {
                return bucket;
            }
        }
        return null;
    }

    private int levelOf(Bucket<T> bucket) {
        return bucket.level;
    }

    private static <T> int count(Entry<T> head) {
        int n = 0;
        for (Entry<T> e = head; e != null; e = e.next) {
            n++;
        }
        return n;
    }

    private static long multiplySaturated(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    @Override
    public String toString() {
        return "TimingWheel(tick=" + tickMs + "ms, slots=" + slotsPerLevel + ", levels=" + levelCount + ", size=" + size
                + ", now=" + currentMs + ")";
    }
}
