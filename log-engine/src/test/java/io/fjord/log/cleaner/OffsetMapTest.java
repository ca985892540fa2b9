package io.fjord.log.cleaner;

import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffsetMapTest {
    private static ByteBuffer key(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // Keys at a non-zero index, as in a read buffer.
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 3);
        buffer.put(3, bytes);
        return buffer;
    }

    @Test
    void keepsTheLatestOffsetPerKeyLikeAHashMap() {
        long seed = TestSeeds.seed("keepsTheLatestOffsetPerKeyLikeAHashMap");
        Random random = new Random(seed);
        OffsetMap map = new OffsetMap(24 * 1000);
        Map<String, Long> expected = new HashMap<>();
        for (long offset = 0; offset < 5000; offset++) {
            String k = "key-" + random.nextInt(800);
            ByteBuffer b = key(k);
            assertTrue(map.put(b, 3, b.capacity() - 3, offset));
            expected.put(k, offset);
        }
        assertEquals(expected.size(), map.size(), "seed " + seed);
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            ByteBuffer b = key(e.getKey());
            assertEquals(e.getValue(), map.get(b, 3, b.capacity() - 3), e.getKey() + " seed " + seed);
        }
        ByteBuffer absent = key("absent");
        assertEquals(-1, map.get(absent, 3, absent.capacity() - 3));
        assertEquals(4999, map.latestOffset());
    }

    @Test
    void refusesNewKeysWhenFullButUpdatesKnownOnes() {
        OffsetMap map = new OffsetMap(24 * 10); // 10 slots, 9 keys at 90% load
        for (int i = 0; i < 9; i++) {
            ByteBuffer b = key("k" + i);
            assertTrue(map.put(b, 3, b.capacity() - 3, i));
        }
        assertTrue(map.isFull());
        ByteBuffer extra = key("k9");
        assertFalse(map.put(extra, 3, extra.capacity() - 3, 9));
        ByteBuffer known = key("k0");
        assertTrue(map.put(known, 3, known.capacity() - 3, 10));
        assertEquals(10, map.get(known, 3, known.capacity() - 3));
        map.clear();
        assertEquals(0, map.size());
        assertEquals(-1, map.get(known, 3, known.capacity() - 3));
    }
}
