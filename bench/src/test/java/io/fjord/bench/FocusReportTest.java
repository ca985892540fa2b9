package io.fjord.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FocusReportTest {
    private static final GcLog.Summary NO_GC = new GcLog.Summary(0, 0, 0);

    private static FocusBench.Session tail(int round, BrokerKind kind, double p99, double p999) {
        return new FocusBench.Session(round, kind, new RoundTrips(400, p99, p999, p999 * 2, 50_000), null,
                new Latency(400, p99, p999, p999 * 2, 50_000, 0, 0, 0, 0, 25_000, 3.5), "fjord-net 1.00 s", NO_GC, 10_000,
                "fjord-writer-0 5,000/s", 2_500);
    }

    @Test
    void millisecondsKeepThreeFigures() {
        assertEquals("0.412", FocusReport.ms(412));
        assertEquals("2.52", FocusReport.ms(2_520));
        assertEquals("13.1", FocusReport.ms(13_100));
        assertEquals("1,464", FocusReport.ms(1_464_000));
        assertEquals("n/a", FocusReport.ms(Double.NaN));
    }

    @Test
    void tailTargetsAreJudgedOnMediansOverRounds() {
        FocusOptions options = FocusOptions.parse(new String[] {"--tail"}, Path.of("/repo"));
        FocusReport report = new FocusReport(options, List.of(
                tail(1, BrokerKind.FJORD, 900, 4_000), tail(1, BrokerKind.KAFKA, 3_000, 9_000),
                tail(2, BrokerKind.KAFKA, 5_000, 10_000), tail(2, BrokerKind.FJORD, 2_000, 5_000),
                tail(3, BrokerKind.FJORD, 950, 30_000), tail(3, BrokerKind.KAFKA, 4_000, 12_000)), "abc1234");
        assertEquals(950, report.median(BrokerKind.FJORD, RoundTrips::p99Micros));
        assertEquals(10_000, report.median(BrokerKind.KAFKA, RoundTrips::p999Micros));
        String targets = report.targets();
        assertTrue(targets.contains("| end-to-end p99 | 0.950 ms | 1 ms | yes |"), targets);
        assertTrue(targets.contains("| end-to-end p99.9 | 5.00 ms | half of Kafka's: 5.00 ms | yes |"), targets);
        String md = report.markdown(Instant.parse("2026-12-08T01:00:00Z"), Instant.parse("2026-12-08T01:05:00Z"),
                "1.00 1.00 1.00 1/100 1");
        assertTrue(md.contains("Command: `bin/fjord bench --tail`"), md);
        assertTrue(md.contains("| p99.9 | 5.00 | 10.0 | 0.50x |"), md);
    }

    @Test
    void isolationTargetIsAFifthOfKafka() {
        FocusOptions options = FocusOptions.parse(new String[] {"--isolation", "--brokers", "fjord"}, Path.of("/repo"));
        IsolationWorkload.Result result = new IsolationWorkload.Result(new RoundTrips(100, 300, 500, 900, 10_000),
                new RoundTrips(200, 400, 600, 800, 5_000), 100.0, 0);
        FocusReport report = new FocusReport(options, List.of(new FocusBench.Session(1, BrokerKind.FJORD,
                result.metadata(), result, null, "-", NO_GC, 1, "-", Double.NaN)), "abc1234");
        FocusReport withKafka = new FocusReport(FocusOptions.parse(new String[] {"--isolation"}, Path.of("/repo")),
                List.of(new FocusBench.Session(1, BrokerKind.FJORD, result.metadata(), result, null, "-", NO_GC, 1, "-", Double.NaN),
                        new FocusBench.Session(1, BrokerKind.KAFKA, new RoundTrips(900, 2_000, 3_000, 4_000, 10_000),
                                result, null, "-", NO_GC, 1, "-", Double.NaN)), "abc1234");
        assertTrue(withKafka.targets().contains("| Metadata p99 on other connections | 0.300 ms | 1/5 of Kafka's: 0.400 ms | yes |"),
                withKafka.targets());
        // Without Kafka in the run there is no bound to judge against.
        assertTrue(report.targets().contains("| Metadata p99 on other connections | 0.300 ms | 1/5 of Kafka's (Kafka not run) | - |"),
                report.targets());
    }
}
