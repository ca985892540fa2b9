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
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandlerFailureTest {

    @Test
    void throwingHandlerClosesOnlyItsConnection() throws Exception {
        // selectorThreads(1): both connections share the thread the handler throws on.
        final NetServer server = NetServer.start(loopback().selectorThreads(1).build(), ctx -> {
            if (ctx.frame().remaining() > 0 && ctx.frame().get(0) == 'X') {
                throw new IllegalStateException("boom (expected by the test)");
            }
            ECHO.onRequest(ctx);
        });
        try (Client good = connect(server); Client bad = connect(server)) {
            assertArrayEquals(bytes(10, 1), good.roundTrip(bytes(10, 1)));
            bad.send(new byte[] {'X'});
            assertTrue(bad.awaitClosedByServer(), "the failing connection should be closed");
            assertArrayEquals(bytes(10, 2), good.roundTrip(bytes(10, 2)));
            try (Client another = connect(server)) {
                assertArrayEquals(bytes(3, 3), another.roundTrip(bytes(3, 3)));
            }
        }
        assertEquals(1, server.metrics().handlerErrors());
        closeAndAssertNoThreads(server);
    }

    @Test
    void handlerAskingToCloseClosesAfterEarlierResponses() throws Exception {
        final NetServer server = NetServer.start(loopback().build(), ctx -> {
            if (ctx.frame().remaining() == 0) {
                ctx.closeConnection();
            } else {
                ECHO.onRequest(ctx);
            }
        });
        try (Client client = connect(server)) {
            client.out.writeInt(2);
            client.out.write(new byte[] {1, 2});
            client.out.writeInt(0);
            client.out.flush();
            assertArrayEquals(new byte[] {1, 2}, client.receive());
            assertTrue(client.awaitClosedByServer(), "closeConnection() should close");
        }
        closeAndAssertNoThreads(server);
    }

    /** Frames in one buffer, as one TCP write: the server finds them all readable at once. */
    private static byte[] frames(final byte[]... payloads) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        for (byte[] payload : payloads) {
            out.writeInt(payload.length);
            out.write(payload);
        }
        return bytes.toByteArray();
    }

    @Test
    void framesBehindARefusedFrameAreNeverDispatched() throws Exception {
        // The handler refuses 'X' synchronously; everything else would be executed (echoed).
        final List<Byte> dispatched = new CopyOnWriteArrayList<>();
        final NetServer server = NetServer.start(loopback().build(), ctx -> {
            final byte first = ctx.frame().get(ctx.frame().position());
            dispatched.add(first);
            if (first == 'X') {
                ctx.closeConnection();
            } else {
                ECHO.onRequest(ctx);
            }
        });
        try (Client client = connect(server)) {
            client.out.write(frames(new byte[] {'X'}, new byte[] {'a'}, new byte[] {'b'}));
            client.out.flush();
            assertTrue(client.awaitClosedByServer(), "the refused connection should be closed");
        }
        TestSupport.await(() -> server.metrics().openConnections() == 0, "connection closed");
        assertEquals(List.of((byte) 'X'), dispatched, "frames behind the refused one were dispatched");
        assertEquals(1, server.metrics().framesReceived());
        assertEquals(1, server.metrics().closesRequested());
        closeAndAssertNoThreads(server);
    }

    @Test
    void aConnectionCondemnedBehindAnUnansweredRequestSendsThatAnswerAndReadsNothingMore() throws Exception {
        // 'h' is held unanswered; 'X' is refused behind it; 'c' behind that must never run.
        final List<Byte> dispatched = new CopyOnWriteArrayList<>();
        final AtomicReference<RequestContext> held = new AtomicReference<>();
        final NetServer server = NetServer.start(loopback().build(), ctx -> {
            final byte first = ctx.frame().get(ctx.frame().position());
            dispatched.add(first);
            if (first == 'h') {
                held.set(ctx);
            } else if (first == 'X') {
                ctx.closeConnection();
            } else {
                ECHO.onRequest(ctx);
            }
        });
        try (Client client = connect(server)) {
            client.out.write(frames(new byte[] {'h'}, new byte[] {'X'}, new byte[] {'c'}));
            client.out.flush();
            TestSupport.await(() -> dispatched.size() >= 2, "the held and the refused frame dispatched");
            // Answered from another thread, as a produce answer would be: it still goes out first.
            final Thread answerer = new Thread(() -> ECHO.onRequest(held.get()));
            answerer.start();
            answerer.join();
            assertArrayEquals(new byte[] {'h'}, client.receive());
            assertTrue(client.awaitClosedByServer(), "closed at the refused request's turn");
        }
        TestSupport.await(() -> server.metrics().openConnections() == 0, "connection closed");
        assertEquals(List.of((byte) 'h', (byte) 'X'), dispatched, "a frame behind the refused one was dispatched");
        closeAndAssertNoThreads(server);
    }
}
