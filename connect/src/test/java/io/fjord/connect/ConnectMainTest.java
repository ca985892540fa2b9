package io.fjord.connect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fjord connect} refuses bad input at once with a message, before anything runs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectMainTest {
    @TempDir
    Path dir;

    @Test
    void tooFewArgumentsPrintUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, ConnectMain.run(new String[] {"connect", "worker.properties"}, System.out, print(err)));
        assertTrue(text(err).contains("fjord connect WORKER.properties"), text(err));
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        for (String help : new String[] {"--help", "-h"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, ConnectMain.run(new String[] {"connect", help}, print(out), print(err)));
            assertEquals(ConnectMain.USAGE, text(out));
            assertEquals("", text(err));
        }
    }

    @Test
    void aBadWorkerKeyIsNamed() throws Exception {
        Path worker = Files.writeString(dir.resolve("worker.properties"),
                "fjord.data.dir=" + dir.resolve("data") + "\noffset.flush.interval.ms=often\n");
        Path connector = Files.writeString(dir.resolve("c.properties"),
                "name=lines\nconnector.class=io.fjord.connect.file.FileSourceConnector\nfile=in.txt\ntopic=t\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConnectMain.run(new String[] {"connect", worker.toString(), connector.toString()}, System.out, print(err));
        assertEquals(1, status);
        assertTrue(text(err).contains("offset.flush.interval.ms"), text(err));
    }

    @Test
    void aMissingFileIsNamed() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConnectMain.run(new String[] {"connect", dir.resolve("nope.properties").toString(), "c.properties"},
                System.out, print(err));
        assertEquals(1, status);
        assertTrue(text(err).contains("nope.properties"), text(err));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
