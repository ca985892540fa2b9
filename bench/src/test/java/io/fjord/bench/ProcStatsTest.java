package io.fjord.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Descriptor classification and the open-file limit, from /proc's text formats. */
class ProcStatsTest {
    @TempDir
    Path dir;

    @Test
    void classifiesDescriptorTargets() {
        Path data = Path.of("/tmp/bench/fjord/data");
        assertEquals(ProcStats.FdKind.DATA_FILE, ProcStats.classify("/tmp/bench/fjord/data/t-0/0.log", data));
        assertEquals(ProcStats.FdKind.DATA_FILE,
                ProcStats.classify("/tmp/bench/fjord/data/t-0/0.index (deleted)", data));
        assertEquals(ProcStats.FdKind.OTHER_FILE, ProcStats.classify("/tmp/bench/fjord/data2/x.log", data));
        assertEquals(ProcStats.FdKind.OTHER_FILE, ProcStats.classify("/usr/lib/jvm/lib/modules", data));
        assertEquals(ProcStats.FdKind.SOCKET, ProcStats.classify("socket:[123456]", data));
        assertEquals(ProcStats.FdKind.OTHER, ProcStats.classify("pipe:[42]", data));
        assertEquals(ProcStats.FdKind.OTHER, ProcStats.classify("anon_inode:[eventpoll]", data));
    }

    @Test
    void countsTheDescriptorsThisProcessHoldsUnderADirectory() throws IOException {
        long self = ProcessHandle.current().pid();
        int before = ProcStats.openFiles(self, dir).dataFiles();
        assertEquals(0, before);
        try (RandomAccessFile a = new RandomAccessFile(dir.resolve("a").toFile(), "rw");
             RandomAccessFile b = new RandomAccessFile(dir.resolve("b").toFile(), "rw")) {
            ProcStats.OpenFiles open = ProcStats.openFiles(self, dir);
            assertEquals(2, open.dataFiles(), open.describe());
            assertTrue(open.total() >= 2 + open.otherFiles(), open.describe());
        }
        assertEquals(0, ProcStats.openFiles(self, dir).dataFiles());
    }

    @Test
    void parsesTheSoftOpenFileLimit() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max cpu time              unlimited            unlimited            seconds
                Max open files            20000                40000                files
                Max locked memory         8388608              8388608              bytes
                """;
        assertEquals(20_000, ProcStats.parseMaxOpenFiles(limits));
        assertEquals(-1, ProcStats.parseMaxOpenFiles(
                "Max open files            unlimited            unlimited            files\n"));
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseMaxOpenFiles("Max processes 1 1 processes"));
        assertTrue(ProcStats.maxOpenFiles(ProcessHandle.current().pid()) != 0);
    }

    @Test
    void readsVoluntarySwitchesPerThreadName() {
        String status = "Name:\tfjord-writer-0\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t10531\n"
                + "nonvoluntary_ctxt_switches:\t2829\n";
        org.junit.jupiter.api.Assertions.assertEquals("fjord-writer-0", ProcStats.statusField(status, "Name:"));
        org.junit.jupiter.api.Assertions.assertEquals("10531", ProcStats.statusField(status, "voluntary_ctxt_switches:"));
        assertThrows(IllegalArgumentException.class, () -> ProcStats.statusField(status, "Cpus_allowed:"));
        // This JVM's own threads: at least the main thread, each count non-negative.
        java.util.Map<String, Long> own = ProcStats.voluntarySwitchesByThread(ProcessHandle.current().pid());
        assertTrue(!own.isEmpty() && own.values().stream().allMatch(count -> count >= 0), own.toString());
    }
}
