package io.fjord.connect;

/** A task of a connector, named like Kafka's ({@code <connector>-<n>}). */
record TaskId(String connector, int task) {
    @Override
    public String toString() {
        return connector + "-" + task;
    }
}
