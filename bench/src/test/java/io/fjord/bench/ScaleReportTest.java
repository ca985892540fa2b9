package io.fjord.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Report blocks are replaced in place (hand-written text around them survives); cells stay in their column. */
class ScaleReportTest {
    private static final String BEGIN = "<!-- b -->";
    private static final String END = "<!-- e -->";

    @Test
    void replacesItsOwnBlockAndKeepsTheTextAround() {
        String file = "# Title\n\nintro\n\n" + BEGIN + "\nold\n" + END + "\nafter\n";
        assertEquals("# Title\n\nintro\n\n" + BEGIN + "\nnew\n" + END + "\nafter\n",
                Report.replaceBlock(file, BEGIN, END, "new\n"));
    }

    @Test
    void appendsWhenTheBlockIsMissing() {
        assertEquals("text\n\n" + BEGIN + "\nnew\n" + END + "\n", Report.replaceBlock("text\n", BEGIN, END, "new"));
        assertEquals("text\n\n" + BEGIN + "\nnew\n" + END + "\n", Report.replaceBlock("text", BEGIN, END, "new"));
        assertEquals(BEGIN + "\nnew\n" + END + "\n", Report.replaceBlock("", BEGIN, END, "new"));
        // Another size's block is not this one's: both stay.
        String other = "<!-- fjord-bench:scale:5000:fjord:begin -->\nx\n<!-- fjord-bench:scale:5000:fjord:end -->\n";
        String both = Report.replaceBlock(other, BEGIN, END, "new");
        assertTrue(both.startsWith(other) && both.endsWith(END + "\n"), both);
    }

    @Test
    void cellsEscapePipesAndLineBreaks() {
        assertEquals("a \\| b c", ScaleReport.cell("a | b\nc"));
    }

    @Test
    void targetsAreJudgedOnlyAtTheirSizeAndMissingValuesFail() {
        assertEquals("yes", ScaleReport.judge(true, 2.9, 3));
        assertEquals("**no**", ScaleReport.judge(true, 3.1, 3));
        assertTrue(ScaleReport.judge(true, Double.NaN, 3).startsWith("**no**"));
        assertEquals("n/a at this size", ScaleReport.judge(false, 1, 3));
    }

    @Test
    void failedStepsSayWhyInOneLine() {
        ScaleResult result = new ScaleResult(BrokerKind.FJORD);
        result.failed(ScaleResult.CREATE, "Cannot create topic 't': Too many open files\n\tat x.y(Z.java:1)");
        assertEquals("**failed**: Cannot create topic 't': Too many open files", result.cell(ScaleResult.CREATE));
        assertTrue(result.failed(ScaleResult.CREATE));
        assertTrue(!result.measured(ScaleResult.CREATE) && !result.measured(ScaleResult.WRITE));
        assertEquals("not run", result.cell(ScaleResult.WRITE));
        assertTrue(Double.isNaN(result.valueOf(ScaleResult.WRITE)));
        result.seconds(ScaleResult.WRITE, 1_500_000_000L, "(3 records)");
        assertEquals("1.50 s (3 records)", result.cell(ScaleResult.WRITE));
        assertEquals(1.5, result.valueOf(ScaleResult.WRITE));
    }

    @Test
    void aRestartThatFailedIsSaidSoInTheTargetsNotJustNotRun() {
        ScaleResult crashed = new ScaleResult(BrokerKind.FJORD);
        crashed.failed(ScaleResult.KILL_FIRST, "exited during start-up");
        assertEquals("restart failed (reason above)",
                ScaleReport.restartCell(crashed, ScaleResult.KILL_FIRST, ScaleResult.KILL_LED));
        ScaleResult restarted = new ScaleResult(BrokerKind.KAFKA);
        restarted.seconds(ScaleResult.KILL_FIRST, 1_000_000_000L);
        restarted.seconds(ScaleResult.KILL_LED, 2_000_000_000L);
        assertEquals("2.00 s", ScaleReport.restartCell(restarted, ScaleResult.KILL_FIRST, ScaleResult.KILL_LED));
        assertEquals("not run", ScaleReport.restartCell(new ScaleResult(BrokerKind.FJORD), ScaleResult.STOP_FIRST,
                ScaleResult.STOP_LED));
    }

    @Test
    void tellingLineOfABrokerLogIsTheErrorNotTheStackFrame() {
        String tail = "starting\nERROR Cannot open data directory /d (Too many open files)\n"
                + "java.io.IOException: boom\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)\n";
        assertEquals("java.io.IOException: boom", ScaleRun.tellingLine(tail));
        assertEquals("last words", ScaleRun.tellingLine("hello\nlast words\n\n"));
    }
}
