package io.fjord.net;

import static io.fjord.net.TestSupport.ECHO;
import static io.fjord.net.TestSupport.bytes;
import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.net.TestSupport.Client;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A hostile peer decides how often a refusal happens, never how much the server logs about it. */
class LogFloodTest {

    private static final int BAD_FRAMES = 2_000;
    private static final int LINES_PER_MINUTE = 5;

    /** Collects what reaches the JDK logger behind System.Logger. */
    private static final class Capture extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(final LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void thousandsOfInvalidFramesLogABoundedNumberOfLinesAndAreAllCounted() throws Exception {
        final Logger jul = Logger.getLogger(Connection.class.getName());
        final Capture capture = new Capture();
        jul.addHandler(capture);
        final NetServer server = NetServer.start(loopback().logLinesPerCausePerMinute(LINES_PER_MINUTE).build(), ECHO);
        try {
            for (int i = 0; i < BAD_FRAMES; i++) {
                try (Client client = connect(server)) {
                    client.out.writeInt(-1 - i); // a negative size prefix: refused, connection closed
                    client.out.flush();
                    assertTrue(client.awaitClosedByServer(), "connection " + i + " not closed");
                }
            }
            TestSupport.await(() -> server.metrics().invalidFrames() == BAD_FRAMES, "every invalid frame counted");
        } finally {
            closeAndAssertNoThreads(server);
            jul.removeHandler(capture);
        }
        final List<String> aboutFrames = capture.lines.stream()
            .filter(line -> line.contains("negative or above maxFrameBytes") || line.contains("(invalid frame size)"))
            .collect(Collectors.toList());
        // The budget, plus at most one summary per minute the test took (a slow machine).
        assertTrue(aboutFrames.size() >= LINES_PER_MINUTE && aboutFrames.size() <= LINES_PER_MINUTE + 2,
            "lines about invalid frames: " + aboutFrames.size() + ": " + aboutFrames);
        assertEquals(BAD_FRAMES, server.metrics().invalidFrames());
        assertTrue(server.metrics().logLinesSuppressed() >= BAD_FRAMES - LINES_PER_MINUTE * 3L,
            "suppressed: " + server.metrics().logLinesSuppressed());
    }

    @Test
    void connectionsOverTheLimitLogABoundedNumberOfLinesAndAreAllCounted() throws Exception {
        final int rejected = 500;
        final Logger jul = Logger.getLogger(Acceptor.class.getName());
        final Capture capture = new Capture();
        jul.addHandler(capture);
        final NetServer server = NetServer.start(
            loopback().maxConnections(1).logLinesPerCausePerMinute(LINES_PER_MINUTE).build(), ECHO);
        try (Client holder = connect(server)) {
            assertArrayEquals(bytes(3, 1), holder.roundTrip(bytes(3, 1))); // admitted: the one place is taken
            for (int i = 0; i < rejected; i++) {
                try (Client client = connect(server)) {
                    assertTrue(client.awaitClosedByServer(), "connection " + i + " over maxConnections not closed");
                }
            }
            TestSupport.await(() -> server.metrics().connectionsRejected() == rejected, "every rejection counted");
        } finally {
            closeAndAssertNoThreads(server);
            jul.removeHandler(capture);
        }
        final long aboutRejections = capture.lines.stream()
            .filter(line -> line.contains("maxConnections") || line.contains("(connection over maxConnections)"))
            .count();
        assertTrue(aboutRejections >= LINES_PER_MINUTE && aboutRejections <= LINES_PER_MINUTE + 2,
            "lines about rejected connections: " + aboutRejections + ": " + capture.lines);
        assertEquals(rejected, server.metrics().connectionsRejected());
    }
}
