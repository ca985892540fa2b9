package io.fjord.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fjord's frozen error table matches kafka-clients' (the test oracle) code for code, name for name. */
class ErrorsTest {
    @Test
    void everyCodeMatchesKafka() {
        for (org.apache.kafka.common.protocol.Errors kafka : org.apache.kafka.common.protocol.Errors.values()) {
            Errors ours = Errors.forCode(kafka.code());
            if (kafka.code() != -1) {
                assertEquals(kafka.name(), ours.name(), "code " + kafka.code());
            }
        }
        for (Errors ours : Errors.values()) {
            assertEquals(ours.name(), org.apache.kafka.common.protocol.Errors.forCode(ours.code()).name());
        }
    }
}
