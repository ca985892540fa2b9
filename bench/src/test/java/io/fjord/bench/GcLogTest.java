package io.fjord.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GcLogTest {
    @Test
    void readsPausesOfEveryCollectorAndSkipsOtherLines() {
        List<GcLog.Pause> pauses = GcLog.parse(List.of(
                "[0.004s][info][gc] Using G1",
                "[8.089s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 18M->3M(380M) 9.114ms",
                "[20.055s][info][gc] GC(10) Pause Remark 7M->7M(17M) 7.635ms",
                "[20.060s][info][gc] GC(10) Concurrent Mark Cycle 25.1ms",
                "[12.500s][info][gc] GC(1) Pause Young (Allocation Failure) 60M->4M(245M) 60.370ms"));
        assertEquals(List.of(new GcLog.Pause(8.089, 9.114), new GcLog.Pause(20.055, 7.635),
                new GcLog.Pause(12.5, 60.37)), pauses);
    }

    @Test
    void summarizesTheWindowOnly() {
        List<GcLog.Pause> pauses = List.of(new GcLog.Pause(1, 20), new GcLog.Pause(5, 3), new GcLog.Pause(6, 8),
                new GcLog.Pause(30, 50));
        GcLog.Summary summary = GcLog.summarize(pauses, 4, 10);
        assertEquals(new GcLog.Summary(2, 11, 8), summary);
        assertEquals("2, 11.0 ms in all, longest 8.0 ms", summary.describe());
        assertEquals("none", GcLog.summarize(pauses, 40, 50).describe());
    }
}
