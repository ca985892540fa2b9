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
}
