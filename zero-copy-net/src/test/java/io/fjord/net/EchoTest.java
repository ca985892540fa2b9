package io.fjord.net;

import static io.fjord.net.TestSupport.ECHO;
import static io.fjord.net.TestSupport.bytes;
import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fjord.net.TestSupport.Client;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EchoTest {

    private NetServer server;

    @BeforeEach
    void start() throws Exception {
        server = NetServer.start(loopback().build(), ECHO);
    }

    @AfterEach
    void stop() {
        closeAndAssertNoThreads(server);
    }

    @Test
    void echoesFramesOfManySizes() throws Exception {
        try (Client client = connect(server)) {
            for (int size : new int[] {0, 1, 3, 4, 5, 100, 65_536, 300_000, 3_000_000}) {
                final byte[] payload = bytes(size, size);
                assertArrayEquals(payload, client.roundTrip(payload), "size " + size);
            }
        }
        assertEquals(9, server.metrics().framesReceived());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        final int requests = 1_000;
        try (Client client = connect(server)) {
            // Written back to back before reading anything; small enough to fit the socket buffers.
            for (int i = 0; i < requests; i++) {
                client.out.writeInt(4);
                client.out.writeInt(i);
            }
            client.out.flush();
            for (int i = 0; i < requests; i++) {
                assertEquals(4, client.in.readInt());
                assertEquals(i, client.in.readInt(), "response " + i + " out of order");
            }
        }
    }

    @Test
    void servesManyConnectionsConcurrently() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Future<?>> results = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                final int seed = c;
                results.add(pool.submit(() -> {
                    try (Client client = connect(server)) {
                        for (int i = 0; i < 50; i++) {
                            final byte[] payload = bytes(1 + (seed * 97 + i * 13) % 5000, seed + i);
                            assertArrayEquals(payload, client.roundTrip(payload));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(TestSupport.WAIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        TestSupport.await(() -> server.metrics().openConnections() == 0, "all connections closed");
        assertEquals(32, server.metrics().connectionsAccepted());
    }
}
