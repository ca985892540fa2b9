package io.fjord.net;

import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static io.fjord.net.TestSupport.sizePrefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handler's {@link RequestContext#pauseReads()}: a paused connection reads no further frame (while
 * other connections of the same selector thread are served), reads what the peer sent meanwhile once
 * resumed from another thread, and a close while paused leaves nothing held.
 */
@Timeout(60)
class PauseReadsTest {
    private static final byte PAUSE = 'P';

    /** Frames seen by the handler, by first byte, in dispatch order. */
    private final List<Byte> dispatched = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<ReadPause> pauses = new LinkedBlockingQueue<>();

    /** Echoes every frame; a frame starting with 'P' first pauses its connection's reads. */
    private final RequestHandler handler = ctx -> {
        final byte first = ctx.frame().get(ctx.frame().position());
        dispatched.add(first);
        if (first == PAUSE) {
            pauses.add(ctx.pauseReads());
        }
        ctx.respond(Send.of(sizePrefix(ctx.frame().remaining()), ctx.frame()));
    };

    @Test
    void aPausedConnectionReadsNothingMoreUntilResumedWhileOthersAreServed() throws Exception {
        final NetServer server = NetServer.start(loopback().selectorThreads(1).build(), handler);
        try (TestSupport.Client paused = connect(server); TestSupport.Client other = connect(server)) {
            // One write: the frames behind the pausing one are in the kernel's buffer when it is read,
            // so without the pause the same read turn would dispatch them.
            paused.out.write(frames(new byte[] {PAUSE, 1}, new byte[] {'a'}, new byte[] {'b'}));
            paused.out.flush();
            assertArrayEquals(new byte[] {PAUSE, 1}, paused.receive());
            final ReadPause pause = pauses.poll(TestSupport.WAIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertEquals(1, server.metrics().connectionsReadPaused());

            // The same selector thread serves another connection meanwhile.
            assertArrayEquals(new byte[] {'o'}, other.roundTrip(new byte[] {'o'}));
            assertEquals(List.of(PAUSE, (byte) 'o'), dispatched, "frames behind the pause were read");

            final Thread resumer = new Thread(pause::resume, "test-resumer");
            resumer.start();
            resumer.join();
            pause.resume(); // idempotent
            assertArrayEquals(new byte[] {'a'}, paused.receive());
            assertArrayEquals(new byte[] {'b'}, paused.receive());
            assertEquals(List.of(PAUSE, (byte) 'o', (byte) 'a', (byte) 'b'), dispatched);
            assertEquals(0, server.metrics().connectionsReadPaused());
            assertEquals(1, server.metrics().readPausesByHandlers());
            assertEquals(0, server.metrics().readPauses(), "a handler's pause is not a limit's");

            // Another episode on the same connection counts again and works the same way.
            paused.send(new byte[] {PAUSE, 2});
            assertArrayEquals(new byte[] {PAUSE, 2}, paused.receive());
            pauses.take().resume();
            assertArrayEquals(new byte[] {'c'}, paused.roundTrip(new byte[] {'c'}));
            assertEquals(2, server.metrics().readPausesByHandlers());
        } finally {
            closeAndAssertNoThreads(server);
        }
    }

    @Test
    void holdsNestAndReadingResumesWithTheLast() throws Exception {
        final NetServer server = NetServer.start(loopback().selectorThreads(1).build(), ctx -> {
            final byte first = ctx.frame().get(ctx.frame().position());
            dispatched.add(first);
            if (first != 9) {
                pauses.add(ctx.pauseReads());
                pauses.add(ctx.pauseReads());
            }
            ctx.respond(Send.of(sizePrefix(0)));
        });
        try (TestSupport.Client client = connect(server); TestSupport.Client other = connect(server)) {
            client.out.write(frames(new byte[] {1}, new byte[] {2}));
            client.out.flush();
            assertArrayEquals(new byte[0], client.receive());
            pauses.take().resume();
            // A full turn of the selector thread after the first of the two holds ended.
            assertArrayEquals(new byte[0], other.roundTrip(new byte[] {9}));
            assertEquals(List.of((byte) 1, (byte) 9), dispatched, "read while one hold was still open");
            pauses.take().resume();
            assertArrayEquals(new byte[0], client.receive());
            assertEquals(List.of((byte) 1, (byte) 9, (byte) 2), dispatched);
            assertEquals(2, server.metrics().readPausesByHandlers());
        } finally {
            for (ReadPause pause : pauses) {
                pause.resume();
            }
            closeAndAssertNoThreads(server);
        }
    }

    @Test
    void aPeerCloseWhilePausedIsSeenOnResumeAndFreesTheConnection() throws Exception {
        final NetServer server = NetServer.start(loopback().selectorThreads(1).build(), handler);
        try {
            try (TestSupport.Client client = connect(server)) {
                client.out.write(frames(new byte[] {PAUSE}, new byte[] {'x'}));
                client.out.flush();
                assertArrayEquals(new byte[] {PAUSE}, client.receive());
            }
            final ReadPause pause = pauses.take();
            assertEquals(1, server.metrics().openConnections());
            pause.resume();
            TestSupport.await(() -> server.metrics().openConnections() == 0, "the closed connection released");
            assertEquals(0, server.metrics().connectionsReadPaused());
            pause.resume(); // after close: nothing to undo
            assertEquals(0, server.metrics().connectionsReadPaused());
        } finally {
            closeAndAssertNoThreads(server);
        }
    }

    @Test
    void aServerCloseWhilePausedEndsTheHoldAndLaterResumesDoNothing() throws Exception {
        final NetServer server = NetServer.start(loopback().selectorThreads(1).build(), handler);
        final ReadPause pause;
        try (TestSupport.Client client = connect(server)) {
            client.out.write(frames(new byte[] {PAUSE}, new byte[] {'x'}));
            client.out.flush();
            assertArrayEquals(new byte[] {PAUSE}, client.receive());
            pause = pauses.take();
            assertEquals(1, server.metrics().connectionsReadPaused());
            closeAndAssertNoThreads(server);
            assertTrue(client.awaitClosedByServer(), "the server closed the paused connection");
        }
        assertEquals(0, server.metrics().connectionsReadPaused());
        assertEquals(0, server.metrics().openConnections());
        pause.resume();
        assertEquals(0, server.metrics().connectionsReadPaused());
        assertEquals(List.of(PAUSE), dispatched);
    }

    private static byte[] frames(final byte[]... payloads) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        for (byte[] payload : payloads) {
            out.writeInt(payload.length);
            out.write(payload);
        }
        return bytes.toByteArray();
    }
}
