package io.fjord.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentilesTest {
    @Test
    void nearestRankPicksAMeasuredValue() {
        List<Double> oneToHundred = new ArrayList<>();
        for (int i = 100; i >= 1; i--) { // unsorted on purpose
            oneToHundred.add((double) i);
        }
        assertEquals(50.0, Percentiles.nearestRank(oneToHundred, 50));
        assertEquals(99.0, Percentiles.nearestRank(oneToHundred, 99));
        assertEquals(100.0, Percentiles.nearestRank(oneToHundred, 100));
        assertEquals(1.0, Percentiles.nearestRank(oneToHundred, 0.5));
    }

    @Test
    void p99OfTwoHundredIsTheSecondLargest() {
        List<Double> sample = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            sample.add((double) i);
        }
        // rank ceil(0.99 * 200) = 198: two requests were slower than the p99.
        assertEquals(198.0, Percentiles.nearestRank(sample, 99));
    }

    @Test
    void smallAndEmptySamples() {
        assertEquals(7.0, Percentiles.nearestRank(List.of(7.0), 99));
        assertEquals(3.0, Percentiles.nearestRank(List.of(3.0, 1.0, 2.0), 99));
        assertEquals(2.0, Percentiles.nearestRank(List.of(3.0, 1.0, 2.0), 50));
        assertTrue(Double.isNaN(Percentiles.nearestRank(List.of(), 99)));
    }

    @Test
    void refusesPercentilesOutsideTheRange() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(List.of(1.0), 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(List.of(1.0), 100.1));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(List.of(1.0), Double.NaN));
    }
}
