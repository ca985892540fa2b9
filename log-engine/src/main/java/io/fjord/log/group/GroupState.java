package io.fjord.log.group;

/** The classic group states, with the names Kafka shows in ListGroups and DescribeGroups. */
enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }
}
