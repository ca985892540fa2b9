package io.fjord.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Nearest-rank percentiles of a small sample (a few hundred timed requests): the value below
 * which {@code p}% of the sample lies, always one of the measured values, never interpolated.
 * HdrHistogram would do too, but with 200 samples an exact sorted list is simpler to trust.
 */
final class Percentiles {
    private Percentiles() {
    }

    /**
     * @param percentile in (0, 100]
     * @return the smallest sample value with at least {@code percentile}% of the sample at or below
     *         it (rank {@code ceil(p/100 * n)}); NaN for an empty sample
     */
    static double nearestRank(List<Double> sample, double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        if (sample.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(sample);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }
}
