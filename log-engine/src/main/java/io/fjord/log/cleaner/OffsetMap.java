package io.fjord.log.cleaner;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cleaner's bounded map from record key to the offset of the key's latest record, in a fixed
 * array sized once from the dedupe buffer. Keys are stored as their 128-bit MD5 digest, as
 * Kafka's {@code SkimpyOffsetMap} does: a collision (two live keys sharing a digest, ~2^-64 for
 * a billion keys) would drop a record, which is why 64 bits were not enough.
 *
 * <p>Layout: open addressing with linear probing over {@code long[3 * slots]}:
 * <pre>
 *   slot i:  [3i]     digest bits 0-63
 *            [3i+1]   digest bits 64-127
 *            [3i+2]   offset of the latest record with that key, -1 = empty slot
 * </pre>
 * 24 bytes a slot; filled to at most {@value #MAX_LOAD_FACTOR} of the slots (Kafka's
 * {@code log.cleaner.io.buffer.load.factor}), past which probe chains grow quickly.
 *
 * <p>Not thread-safe: one per cleaner thread, {@link #clear() cleared} for every log.
 */
final class OffsetMap {
    static final int BYTES_PER_SLOT = 3 * Long.BYTES;
    static final double MAX_LOAD_FACTOR = 0.9;

    private final long[] slots;
    private final int slotCount;
    private final int maxEntries;
    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private int entries;
    /** Largest offset {@link #put} was given since the last clear, -1 if none. */
    private long latestOffset = -1;

    OffsetMap(long memoryBytes) {
        long count = Math.max(1, Math.min(memoryBytes / BYTES_PER_SLOT, (Integer.MAX_VALUE - 8) / 3));
        this.slotCount = (int) count;
        this.slots = new long[slotCount * 3];
        this.maxEntries = Math.max(1, (int) (slotCount * MAX_LOAD_FACTOR));
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships MD5", e);
        }
        clear();
    }

    void clear() {
        for (int i = 2; i < slots.length; i += 3) {
            slots[i] = -1;
        }
        entries = 0;
        latestOffset = -1;
    }

    /** True when no further new key may be added. */
    boolean isFull() {
        return entries >= maxEntries;
    }

    int size() {
        return entries;
    }

    int capacityEntries() {
        return maxEntries;
    }

    long latestOffset() {
        return latestOffset;
    }

    /**
     * Records {@code offset} as the latest for the key in {@code buffer[keyOffset, +keyLength)}.
     * Offsets must be put in increasing order. Returns false (storing nothing) when the key is new
     * and the map {@link #isFull() is full}.
     */
    boolean put(ByteBuffer buffer, int keyOffset, int keyLength, long offset) {
        hash(buffer, keyOffset, keyLength);
        long h0 = bits(0);
        long h1 = bits(8);
        int slot = firstSlot(h0, h1);
        while (true) {
            int base = slot * 3;
            long stored = slots[base + 2];
            if (stored < 0) {
                if (isFull()) {
                    return false;
                }
                slots[base] = h0;
                slots[base + 1] = h1;
                slots[base + 2] = offset;
                entries++;
                latestOffset = offset;
                return true;
            }
            if (slots[base] == h0 && slots[base + 1] == h1) {
                slots[base + 2] = offset;
                latestOffset = offset;
                return true;
            }
            slot = slot + 1 == slotCount ? 0 : slot + 1;
        }
    }

    /** The latest offset stored for the key, or -1 when the map has none. */
    long get(ByteBuffer buffer, int keyOffset, int keyLength) {
        hash(buffer, keyOffset, keyLength);
        long h0 = bits(0);
        long h1 = bits(8);
        int slot = firstSlot(h0, h1);
        // At most slotCount probes: the map is never completely full (load factor < 1 or one slot).
        for (int probes = 0; probes < slotCount; probes++) {
            int base = slot * 3;
            long stored = slots[base + 2];
            if (stored < 0) {
                return -1;
            }
            if (slots[base] == h0 && slots[base + 1] == h1) {
                return stored;
            }
            slot = slot + 1 == slotCount ? 0 : slot + 1;
        }
        return -1;
    }

    private int firstSlot(long h0, long h1) {
        return (int) Long.remainderUnsigned(h0 ^ h1, slotCount);
    }

    private void hash(ByteBuffer buffer, int keyOffset, int keyLength) {
        // Heap buffers (the cleaner's own) digest straight from the backing array, no copy.
        if (buffer.hasArray()) {
            md5.update(buffer.array(), buffer.arrayOffset() + keyOffset, keyLength);
        } else {
            md5.update(buffer.duplicate().limit(keyOffset + keyLength).position(keyOffset));
        }
        try {
            md5.digest(digest, 0, digest.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    private long bits(int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = (value << 8) | (digest[i] & 0xFF);
        }
        return value;
    }

    @Override
    public String toString() {
        return "OffsetMap(" + entries + "/" + maxEntries + " keys)";
    }
}
