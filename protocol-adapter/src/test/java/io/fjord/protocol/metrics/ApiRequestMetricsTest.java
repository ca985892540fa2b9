package io.fjord.protocol.metrics;

import io.fjord.protocol.message.ApiKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ApiRequestMetricsTest {
    private static final long MS = 1_000_000;

    @Test
    void eachPhaseIsTheGapBetweenItsTwoInstants() {
        ApiRequestMetrics fetch = new RequestMetrics().of(ApiKey.FETCH);
        // received 0, handler 2..5 ms, answered at 505 ms (a long poll), last byte at 507 ms
        fetch.onCompleted(0, 2 * MS, 5 * MS, 505 * MS, 507 * MS);
        assertEquals(2_000, fetch.queueTime().snapshot().getMaxValue(), 20);
        assertEquals(3_000, fetch.localTime().snapshot().getMaxValue(), 30);
        assertEquals(500_000, fetch.remoteTime().snapshot().getMaxValue(), 5_000);
        assertEquals(2_000, fetch.sendTime().snapshot().getMaxValue(), 20);
        assertEquals(507_000, fetch.totalTime().snapshot().getMaxValue(), 5_070);
        assertEquals("Fetch", fetch.apiName());
    }

    @Test
    void anAnswerWithoutBytesHasNoSendTime() {
        ApiRequestMetrics produce = new RequestMetrics().of(ApiKey.PRODUCE);
        produce.onCompleted(0, MS, 2 * MS, 2 * MS, 2 * MS); // acks=0
        assertEquals(0, produce.sendTime().snapshot().getTotalCount());
        assertEquals(1, produce.totalTime().snapshot().getTotalCount());
    }

    @Test
    void errorsAreCountedByName() {
        ApiRequestMetrics produce = new RequestMetrics().of(ApiKey.PRODUCE);
        produce.onError("CORRUPT_MESSAGE");
        produce.onError("CORRUPT_MESSAGE");
        produce.onError("NOT_LEADER_OR_FOLLOWER");
        assertEquals(2, produce.errors().get("CORRUPT_MESSAGE").sum());
        assertEquals(1, produce.errors().get("NOT_LEADER_OR_FOLLOWER").sum());
    }
}
