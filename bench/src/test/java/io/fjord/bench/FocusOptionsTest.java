package io.fjord.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FocusOptionsTest {
    private static final Path ROOT = Path.of("/repo");

    @Test
    void isolationDefaults() {
        FocusOptions options = FocusOptions.parse(new String[] {"--isolation"}, ROOT);
        assertEquals(FocusOptions.Mode.ISOLATION, options.mode());
        assertEquals(3, options.rounds());
        assertEquals(2, options.warmUpSeconds());
        assertEquals(10, options.measuredSeconds());
        assertEquals(1, options.hotProducers());
        assertEquals(1_000, options.commitIntervalMicros());
        assertEquals(4, options.probeConnections());
        assertEquals(List.of(BrokerKind.FJORD, BrokerKind.KAFKA), options.brokers());
        assertEquals(ROOT.resolve("docs/benchmarks.md"), options.reportFile());
        assertEquals("bin/fjord bench --isolation", options.commandLine());
        assertEquals("isolation:fjord,kafka", options.reportKey());
        assertEquals(List.of("-Xmx1g"), options.brokerJvmOptions());
    }

    @Test
    void tailTakesItsRateAndALongerWarmUp() {
        FocusOptions options = FocusOptions.parse(new String[] {"--tail", "--rate", "2000", "--seconds", "5",
                "--brokers", "kafka,fjord", "--fjord-cds-archive", "/x.jsa", "--report", "-"}, ROOT);
        assertEquals(FocusOptions.Mode.TAIL, options.mode());
        assertEquals(2_000, options.tailRecordsPerSecond());
        assertEquals(10, options.warmUpSeconds());
        assertEquals(5, options.measuredSeconds());
        assertEquals(List.of(BrokerKind.KAFKA, BrokerKind.FJORD), options.brokers());
        assertNull(options.reportFile());
        // bin/fjord adds the archive: it is not part of the command a reader would type.
        assertEquals("bin/fjord bench --tail --rate 2000 --seconds 5 --brokers kafka,fjord --report -",
                options.commandLine());
        assertEquals("tail:kafka,fjord", options.reportKey());
    }

    @Test
    void badInputIsAClearError() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FocusOptions.parse(new String[] {"--isolation", "--tail"}, ROOT)).getMessage().contains("one of them"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FocusOptions.parse(new String[] {"--tail", "--rate", "0"}, ROOT)).getMessage().contains("positive"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FocusOptions.parse(new String[] {"--tail", "--rate", "fast"}, ROOT)).getMessage()
                .contains("whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FocusOptions.parse(new String[] {"--tail", "--rounds"}, ROOT)).getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FocusOptions.parse(new String[] {"--tail", "--partitions", "3"}, ROOT)).getMessage()
                .contains("unknown option --partitions"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FocusOptions.parse(new String[] {"--rounds", "3"}, ROOT)).getMessage().contains("--isolation or --tail"));
        assertNull(FocusOptions.modeOf(new String[] {"--smoke"}));
    }
}
