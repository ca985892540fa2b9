package io.fjord.bench;

import java.util.ArrayList;
import java.util.List;

/** The targets, each a bound on a Fjord/Kafka ratio measured in the same run. */
final class Targets {
    /** One target: {@code ratio <= bound} (or {@code >=} when {@code atLeast}). */
    record Target(String description, String row, double bound, boolean atLeast) {
        boolean met(Results results) {
            double ratio = results.row(row).ratio();
            return atLeast ? ratio >= bound : ratio <= bound;
        }

        String boundText() {
            return (atLeast ? ">= " : "<= ") + Report.number(bound);
        }
    }

    private Targets() {
    }

    static List<Target> all() {
        String produce = Metrics.MAX_RATE_SPEC.label();
        String consume = Metrics.consumeLabel(Metrics.MAX_RATE_SPEC);
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("Produce 100 B, 8 p, acks=1: broker CPU/GB", Metrics.cpuPerGb(produce), 0.5, false));
        targets.add(new Target("Produce 100 B, 8 p, acks=1: throughput", Metrics.throughput(produce), 1.0, true));
        targets.add(new Target("Consume from start (100 B, 8 p): broker CPU/GB", Metrics.cpuPerGb(consume), 0.5, false));
        targets.add(new Target("e2e p99 at 50% of max rate", Metrics.percentile(Metrics.E2E_HALF_MAX, "p99"), 1.0,
                false));
        targets.add(new Target("Start to ready", Metrics.START_TO_READY, 0.1, false));
        targets.add(new Target("Idle RSS", Metrics.RSS_IDLE, 1.0 / 3, false));
        return targets;
    }
}
