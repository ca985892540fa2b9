package io.fjord.net;

import static io.fjord.net.TestSupport.ECHO;
import static io.fjord.net.TestSupport.bytes;
import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.net.TestSupport.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LimitsTest {

    private NetServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            closeAndAssertNoThreads(server);
        }
    }

    @Test
    void frameOverMaxFrameBytesClosesOnlyThatConnection() throws Exception {
        server = NetServer.start(loopback().maxFrameBytes(1024).build(), ECHO);
        try (Client client = connect(server)) {
            final byte[] atLimit = bytes(1024, 1);
            assertArrayEquals(atLimit, client.roundTrip(atLimit));
            client.out.writeInt(1025);
            client.out.write(new byte[100]);
            client.out.flush();
            assertTrue(client.awaitClosedByServer(), "connection with an oversized frame should be closed");
        }
        assertEquals(1, server.metrics().invalidFrames());
        try (Client client = connect(server)) {
            assertArrayEquals(bytes(10, 2), client.roundTrip(bytes(10, 2)));
        }
    }

    @Test
    void negativeFrameSizeClosesTheConnection() throws Exception {
        server = NetServer.start(loopback().build(), ECHO);
        try (Client client = connect(server)) {
            client.out.writeInt(-1);
            client.out.flush();
            assertTrue(client.awaitClosedByServer(), "connection with a negative size should be closed");
        }
        assertEquals(1, server.metrics().invalidFrames());
    }

    @Test
    void connectionsOverMaxConnectionsAreClosedAtOnce() throws Exception {
        server = NetServer.start(loopback().maxConnections(2).build(), ECHO);
        final Client a = connect(server);
        try (Client b = connect(server)) {
            assertArrayEquals(bytes(5, 1), a.roundTrip(bytes(5, 1)));
            assertArrayEquals(bytes(5, 2), b.roundTrip(bytes(5, 2)));
            try (Client c = connect(server)) {
                assertTrue(c.awaitClosedByServer(), "third connection should be closed");
            }
            assertEquals(1, server.metrics().connectionsRejected());
            a.close();
            TestSupport.await(() -> server.metrics().openConnections() == 1, "a's place freed");
            try (Client d = connect(server)) {
                assertArrayEquals(bytes(5, 3), d.roundTrip(bytes(5, 3)));
            }
            assertArrayEquals(bytes(5, 4), b.roundTrip(bytes(5, 4)));
        } finally {
            a.close();
        }
    }

    @Test
    void idleConnectionIsClosed() throws Exception {
        server = NetServer.start(loopback().idleTimeoutMs(200).build(), ECHO);
        try (Client client = connect(server)) {
            assertArrayEquals(bytes(5, 1), client.roundTrip(bytes(5, 1)));
            // Blocks until the server closes it, bounded by the client's read timeout.
            assertTrue(client.awaitClosedByServer(), "idle connection should be closed");
        }
        assertEquals(1, server.metrics().idleConnectionsClosed());
    }

    @Test
    void configRejectsOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> NetConfig.builder().maxFrameBytes(-1).build());
        assertThrows(IllegalArgumentException.class, () -> NetConfig.builder().selectorThreads(0).build());
        assertThrows(IllegalArgumentException.class, () -> NetConfig.builder().maxInFlightRequests(0).build());
        assertThrows(IllegalArgumentException.class, () -> NetConfig.builder().port(70_000).build());
        assertThrows(IllegalArgumentException.class, () -> NetConfig.builder().socketSendBufferBytes(0).build());
        assertEquals(100 * 1024 * 1024, NetConfig.defaults().maxFrameBytes());
        assertEquals(600_000L, NetConfig.defaults().idleTimeoutMs());
    }
}
