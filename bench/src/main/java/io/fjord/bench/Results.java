package io.fjord.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every measured value, per row and broker, one value per round. Rows keep the order they were
 * first recorded in, which is the order the workloads ran in. Not thread-safe: the harness
 * records from its main thread only.
 */
final class Results {
    /** A table row: what was measured, its unit and which direction is better. */
    static final class Row {
        final String label;
        final String unit;
        final boolean lowerIsBetter;
        private final Map<BrokerKind, List<Double>> values = new EnumMap<>(BrokerKind.class);

        Row(String label, String unit, boolean lowerIsBetter) {
            this.label = label;
            this.unit = unit;
            this.lowerIsBetter = lowerIsBetter;
        }

        List<Double> values(BrokerKind kind) {
            return values.getOrDefault(kind, List.of());
        }

        /** Median over rounds: robust to one round hit by other work on the machine. */
        double median(BrokerKind kind) {
            return Results.median(values(kind));
        }

        /** Fjord / Kafka of the medians; NaN when Kafka's is 0 (a smoke workload under one CPU tick). */
        double ratio() {
            double kafka = median(BrokerKind.KAFKA);
            return kafka == 0 ? Double.NaN : median(BrokerKind.FJORD) / kafka;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    /** The median of {@code values}, NaN when there are none. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    void add(String label, String unit, boolean lowerIsBetter, BrokerKind kind, double value) {
        Row row = rows.computeIfAbsent(label, l -> new Row(l, unit, lowerIsBetter));
        row.values.computeIfAbsent(kind, k -> new ArrayList<>()).add(value);
    }

    Row row(String label) {
        Row row = rows.get(label);
        if (row == null) {
            throw new IllegalArgumentException("no results for '" + label + "'");
        }
        return row;
    }

    boolean has(String label) {
        return rows.containsKey(label);
    }

    Collection<Row> rows() {
        return rows.values();
    }
}
