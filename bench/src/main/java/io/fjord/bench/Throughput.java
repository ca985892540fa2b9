package io.fjord.bench;

/** What a throughput workload moved and how long it took (client wall clock). */
record Throughput(long records, long payloadBytes, long elapsedNanos) {
    double recordsPerSecond() {
        return records * 1e9 / elapsedNanos;
    }

    double megabytesPerSecond() {
        return payloadBytes * 1e3 / elapsedNanos;
    }
}
