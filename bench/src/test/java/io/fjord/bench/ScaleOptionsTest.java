package io.fjord.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleOptionsTest {
    private static final Path ROOT = Path.of("/repo");

    @Test
    void defaultsAreTheIssuesSize() {
        ScaleOptions options = ScaleOptions.parse(new String[] {"--scale"}, ROOT);
        assertEquals(10_000, options.partitions());
        assertEquals(100, options.topicSizes().size());
        assertEquals(10, options.createBatches().size());
        assertEquals(List.of(BrokerKind.FJORD, BrokerKind.KAFKA), options.brokers());
        assertEquals(ROOT.resolve("docs/benchmarks.md"), options.reportFile());
        assertEquals("bin/fjord bench --scale", options.commandLine());
        assertEquals("10000:fjord,kafka", options.reportKey());
        assertEquals(List.of("-Xmx1g"), options.brokerJvmOptions());
    }

    @Test
    void lastTopicTakesTheRemainderAndBatchesHoldWholeTopics() {
        ScaleOptions options = ScaleOptions.parse(new String[] {"--scale", "--partitions", "250",
                "--partitions-per-topic", "100", "--batch-partitions", "150"}, ROOT);
        assertEquals(List.of(100, 100, 50), options.topicSizes());
        // 100 + 100 > 150: one topic per request, then 100 + 50 fits.
        assertEquals(List.of(List.of(0), List.of(1, 2)), options.createBatches());
        // A topic larger than a batch still goes, alone.
        ScaleOptions big = ScaleOptions.parse(new String[] {"--partitions", "300", "--partitions-per-topic", "300",
                "--batch-partitions", "10"}, ROOT);
        assertEquals(List.of(List.of(0)), big.createBatches());
    }

    @Test
    void brokersCommandLineAndOverrides() {
        ScaleOptions options = ScaleOptions.parse(new String[] {"--fjord-cds-archive", "/x.jsa", "--scale",
                "--brokers", "kafka,fjord", "--fjord-override", "fjord.max.open.files=1000", "--report", "-"}, ROOT);
        assertEquals(List.of(BrokerKind.KAFKA, BrokerKind.FJORD), options.brokers());
        assertEquals(List.of("fjord.max.open.files=1000"), options.fjordOverrides());
        assertNull(options.reportFile());
        // bin/fjord's own archive option is not part of the command a reader types.
        assertEquals("bin/fjord bench --scale --brokers kafka,fjord --fjord-override fjord.max.open.files=1000 "
                + "--report -", options.commandLine());
        assertEquals("10000:kafka,fjord", options.reportKey());
    }

    @Test
    void badOptionsAreRefusedWithTheReason() {
        assertMessage("must be positive", "--partitions", "0");
        assertMessage("takes a number", "--partitions", "many");
        assertMessage("unknown broker", "--brokers", "fjord,redpanda");
        assertMessage("given twice", "--brokers", "fjord,fjord");
        assertMessage("KEY=VALUE", "--fjord-override", "novalue");
        assertMessage("unknown option", "--bogus", "1");
        assertMessage("needs a value", "--partitions");
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScaleOptions.parse(args, ROOT));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
