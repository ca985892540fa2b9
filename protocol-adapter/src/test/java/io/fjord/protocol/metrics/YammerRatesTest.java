package io.fjord.protocol.metrics;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class YammerRatesTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSteadyRateConvergesAsYammersTickingAveragesDo() {
        AtomicLong count = new AtomicLong();
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        YammerRates rates = new YammerRates(count::get, now::get);
        // 10 events per second for one minute, read every 5 s as a JMX poller would.
        for (int tick = 0; tick < 12; tick++) {
            count.addAndGet(50);
            now.addAndGet(5 * SECOND);
            rates.rate(0);
        }
        assertEquals(10.0, rates.meanRate(), 1e-9);
        assertEquals(10.0, rates.rate(0), 1e-9);
        assertEquals(10.0, rates.rate(2), 1e-9);
        // Then a silent minute: the one-minute average decays by 1/e, the five-minute one by e^-(1/5).
        now.addAndGet(60 * SECOND);
        assertEquals(10 * Math.exp(-1), rates.rate(0), 1e-9);
        assertEquals(10 * Math.exp(-60.0 / 300), rates.rate(1), 1e-9);
    }

    @Test
    void ticksMissedBetweenReadsAreAppliedAtOnce() {
        AtomicLong count = new AtomicLong();
        AtomicLong now = new AtomicLong();
        YammerRates everyTick = new YammerRates(count::get, now::get);
        AtomicLong count2 = new AtomicLong();
        YammerRates once = new YammerRates(count2::get, now::get);
        for (int tick = 0; tick < 24; tick++) {
            count.addAndGet(50);
            count2.addAndGet(50);
            now.addAndGet(5 * SECOND);
            everyTick.rate(0);
        }
        assertEquals(everyTick.rate(0), once.rate(0), 1e-9, "a steady rate read rarely equals one read every tick");
        assertEquals(everyTick.rate(2), once.rate(2), 1e-9);
    }

    @Test
    void nothingChangesWithinATick() {
        AtomicLong count = new AtomicLong();
        AtomicLong now = new AtomicLong();
        YammerRates rates = new YammerRates(count::get, now::get);
        count.set(1_000);
        now.addAndGet(4 * SECOND);
        assertEquals(0.0, rates.rate(0));
    }
}
