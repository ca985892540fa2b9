package io.fjord.bench;

/** The two brokers under test; the order here is the A/B order within a round and the column order. */
enum BrokerKind {
    FJORD("Fjord"),
    KAFKA("Kafka");

    final String label;

    BrokerKind(String label) {
        this.label = label;
    }
}
