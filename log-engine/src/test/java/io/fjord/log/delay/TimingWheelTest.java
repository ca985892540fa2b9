package io.fjord.log.delay;

import io.fjord.testsupport.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wheel on a fake clock: the time is only what each test passes to expire. */
class TimingWheelTest {

    private static List<String> expire(TimingWheel<String> wheel, long nowMs) {
        List<String> out = new ArrayList<>();
        wheel.expire(nowMs, out::add);
        return out;
    }

    @Test
    void aShortDelayExpiresAtItsDeadlineAndNotBefore() {
        TimingWheel<String> wheel = new TimingWheel<>(1, 8, 1_000);
        wheel.schedule(1_005, "a");
        assertEquals(List.of(), expire(wheel, 1_004));
        assertEquals(1, wheel.size());
        assertEquals(1_005, wheel.nextExpirationMs());
        assertEquals(List.of("a"), expire(wheel, 1_005));
        assertEquals(0, wheel.size());
        assertEquals(Long.MAX_VALUE, wheel.nextExpirationMs());
    }

    @Test
    void aLongDelaySpillsDownThroughTheOverflowLevelsAndExpiresExactlyOnTime() {
        TimingWheel<String> wheel = new TimingWheel<>(1, 8, 0);
        long tenDaysMs = 10L * 24 * 3600 * 1000;
        wheel.schedule(tenDaysMs, "long");
        wheel.schedule(3, "short");
        assertTrue(wheel.levelCount() > 5, "10 days at 1 ms x 8 slots needs upper levels: " + wheel);
        assertEquals(List.of("short"), expire(wheel, 3));
        // The upper bucket comes due before the deadline; it spills, nothing expires early.
        long step = 0;
        int wakeUps = 0;
        while ((step = wheel.nextExpirationMs()) < tenDaysMs) {
            assertEquals(List.of(), expire(wheel, step));
            wakeUps++;
        }
        assertTrue(wakeUps <= wheel.levelCount(), "one spill per level at most, was " + wakeUps);
        assertEquals(List.of(), expire(wheel, tenDaysMs - 1));
        assertEquals(List.of("long"), expire(wheel, tenDaysMs));
        assertEquals(0, wheel.size());
    }

    @Test
    void aBigJumpOfTheClockExpiresEverythingDueInDeadlineOrder() {
        TimingWheel<String> wheel = new TimingWheel<>(1, 4, 0);
        wheel.schedule(500, "c");
        wheel.schedule(7, "a");
        wheel.schedule(70, "b");
        wheel.schedule(5_000, "d");
        assertEquals(List.of("a", "b", "c"), expire(wheel, 4_999));
        assertEquals(List.of("d"), expire(wheel, 10_000));
    }

    @Test
    void aCancelledEntryNeverExpiresAndLeavesTheWheel() {
        TimingWheel<String> wheel = new TimingWheel<>(1, 8, 0);
        TimingWheel.Entry<String> near = wheel.schedule(5, "near");
        TimingWheel.Entry<String> far = wheel.schedule(1_000_000, "far"); // in an overflow level
        TimingWheel.Entry<String> kept = wheel.schedule(6, "kept");
        assertTrue(wheel.cancel(near));
        assertTrue(wheel.cancel(far));
        assertFalse(wheel.cancel(far), "twice");
        assertFalse(near.isScheduled());
        assertEquals(1, wheel.size());
        assertEquals(List.of("kept"), expire(wheel, 2_000_000));
        assertFalse(wheel.cancel(kept), "an expired entry is no longer scheduled");
        assertEquals(0, wheel.size());
        assertEquals(Long.MAX_VALUE, wheel.nextExpirationMs());
    }

    @Test
    void aDeadlineAlreadyPastExpiresOnTheNextCall() {
        TimingWheel<String> wheel = new TimingWheel<>(1, 8, 100);
        wheel.schedule(50, "late");
        assertEquals(100, wheel.nextExpirationMs());
        assertEquals(List.of("late"), expire(wheel, 100));
    }

    @Test
    void aCoarseTickRoundsBucketsButNeverExpiresEarly() {
        TimingWheel<String> wheel = new TimingWheel<>(10, 4, 0);
        wheel.schedule(25, "x");
        assertEquals(List.of(), expire(wheel, 20)); // its bucket [20, 30) is reached, the entry is not due
        assertEquals(List.of(), expire(wheel, 24));
        assertEquals(25, wheel.nextExpirationMs(), "level 0 comes due at its earliest deadline");
        assertEquals(List.of("x"), expire(wheel, 25));
    }

    @Test
    void badShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TimingWheel<>(0, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> new TimingWheel<>(1, 6, 0));
        assertThrows(IllegalArgumentException.class, () -> new TimingWheel<>(1, 1, 0));
    }

    /** Random schedules, cancels and clock steps (short and long) against a sorted set. */
    @Test
    void randomOperationsMatchASortedReference() {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        TimingWheel<Long> wheel = new TimingWheel<>(1 + random.nextInt(3), 1 << (1 + random.nextInt(6)), 0);
        TreeSet<long[]> reference = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        Map<Long, TimingWheel.Entry<Long>> entries = new HashMap<>();
        Map<Long, long[]> keys = new HashMap<>();
        long now = 0;
        long nextId = 0;
        for (int step = 0; step < 20_000; step++) {
            int action = random.nextInt(10);
            if (action < 5) {
                long delay = random.nextInt(4) == 0 ? random.nextInt(50_000_000) : random.nextInt(300);
                long id = nextId++;
                long[] key = {now + delay, id};
                entries.put(id, wheel.schedule(now + delay, id));
                keys.put(id, key);
                reference.add(key);
            } else if (action < 7 && !entries.isEmpty()) {
                Long id = entries.keySet().iterator().next();
                assertTrue(wheel.cancel(entries.remove(id)), "seed " + seed);
                reference.remove(keys.remove(id));
            } else {
                now += random.nextInt(8) == 0 ? random.nextInt(20_000_000) : random.nextInt(200);
                List<Long> expired = new ArrayList<>();
                wheel.expire(now, expired::add);
                List<Long> expected = new ArrayList<>();
                while (!reference.isEmpty() && reference.first()[0] <= now) {
                    expected.add(reference.pollFirst()[1]);
                }
                expired.sort(null);
                expected.sort(null);
                assertEquals(expected, expired, "seed " + seed + " at " + now);
                expired.forEach(id -> {
                    entries.remove(id);
                    keys.remove(id);
                });
            }
            assertEquals(reference.size(), wheel.size(), "seed " + seed);
            if (!reference.isEmpty()) {
                long next = wheel.nextExpirationMs();
                assertTrue(next <= reference.first()[0], "seed " + seed + ": next bucket " + next + " after deadline "
                        + reference.first()[0]);
            }
        }
    }
}
