package io.fjord.net;

import static io.fjord.net.TestSupport.ECHO;
import static io.fjord.net.TestSupport.bytes;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.liveThreadsOf;
import static io.fjord.net.TestSupport.loopback;
import static io.fjord.net.TestSupport.sizePrefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.net.TestSupport.Client;
import java.io.IOException;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void closeStopsEveryThreadAndClosesEveryConnection() throws Exception {
        final AtomicReference<RequestContext> held = new AtomicReference<>();
        final NetServer server = NetServer.start(loopback().selectorThreads(3).build(), ctx -> {
            if (ctx.frame().remaining() == 0) {
                held.set(ctx); // never answered before close
            } else {
                ECHO.onRequest(ctx);
            }
        });
        assertEquals(4, liveThreadsOf(server).size(), "acceptor + 3 selector threads: " + liveThreadsOf(server));
        try (Client a = connect(server); Client b = connect(server); Client c = connect(server)) {
            assertArrayEquals(bytes(7, 1), a.roundTrip(bytes(7, 1)));
            assertArrayEquals(bytes(7, 2), b.roundTrip(bytes(7, 2)));
            c.send(new byte[0]);
            TestSupport.await(() -> held.get() != null, "pending request received");

            server.close();

            assertEquals(List.of(), liveThreadsOf(server));
            assertTrue(a.awaitClosedByServer());
            assertTrue(b.awaitClosedByServer());
            assertTrue(c.awaitClosedByServer());
        }
        assertEquals(0, server.metrics().openConnections());
        // An answer arriving after shutdown is dropped, not an error for the answering thread.
        final List<Boolean> listener = new CopyOnWriteArrayList<>();
        held.get().respond(Send.builder().add(sizePrefix(0)).listener(listener::add).build());
        assertEquals(List.of(false), listener);
        server.close(); // idempotent
        assertThrows(IOException.class, () -> connect(server).close(), "listener socket should be closed");
    }

    @Test
    void portIsReusableAfterClose() throws Exception {
        final NetServer first = NetServer.start(loopback().build(), ECHO);
        final int port = first.boundAddress().getPort();
        try (Client client = connect(first)) {
            assertArrayEquals(bytes(3, 1), client.roundTrip(bytes(3, 1)));
        }
        first.close();
        final NetServer second = NetServer.start(loopback().port(port).build(), ECHO);
        try {
            assertEquals(port, second.boundAddress().getPort());
            assertThrows(BindException.class, () -> NetServer.start(loopback().port(port).build(), ECHO));
        } finally {
            second.close();
        }
        assertFalse(liveThreadsOf(second).iterator().hasNext());
    }
}
