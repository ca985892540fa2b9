package io.fjord.net;

import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static io.fjord.net.TestSupport.sizePrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.net.TestSupport.Client;
import io.fjord.testsupport.TestSeeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Responses leave in request order whatever order, and whichever thread, answers them. */
class ResponseOrderTest {

    private final ExecutorService responders = Executors.newFixedThreadPool(4);
    private NetServer server;

    @AfterEach
    void stop() throws Exception {
        responders.shutdownNow();
        assertTrue(responders.awaitTermination(10, TimeUnit.SECONDS));
        if (server != null) {
            closeAndAssertNoThreads(server);
        }
    }

    private static Send intResponse(final int value) {
        return Send.of(sizePrefix(4), ByteBuffer.allocate(4).putInt(0, value));
    }

    private static void sendInts(final Client client, final int... values) throws Exception {
        for (int v : values) {
            client.out.writeInt(4);
            client.out.writeInt(v);
        }
        client.out.flush();
    }

    private static int receiveInt(final Client client) throws Exception {
        assertEquals(4, client.in.readInt());
        return client.in.readInt();
    }

    @Test
    void laterRequestAnsweredFirstStillGoesSecond() throws Exception {
        final AtomicReference<RequestContext> first = new AtomicReference<>();
        final CountDownLatch secondAnswered = new CountDownLatch(1);
        server = NetServer.start(loopback().build(), ctx -> {
            final int value = ctx.frame().getInt(0);
            if (value == 1) {
                first.set(ctx); // a long poll: answered later
            } else {
                responders.execute(() -> {
                    ctx.respond(intResponse(value));
                    secondAnswered.countDown();
                });
            }
        });
        try (Client client = connect(server)) {
            sendInts(client, 1, 2);
            assertTrue(secondAnswered.await(TestSupport.WAIT_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            TestSupport.await(() -> first.get() != null, "request 1 received");
            responders.execute(() -> first.get().respond(intResponse(1)));
            assertEquals(1, receiveInt(client));
            assertEquals(2, receiveInt(client));
        }
    }

    @Test
    void respondNothingFreesItsPlaceInOrder() throws Exception {
        server = NetServer.start(loopback().build(), ctx -> {
            final int value = ctx.frame().getInt(0);
            if (value % 2 == 0) {
                ctx.respondNothing(); // like acks=0
            } else {
                responders.execute(() -> ctx.respond(intResponse(value)));
            }
        });
        try (Client client = connect(server)) {
            sendInts(client, 0, 1, 2, 3, 4, 5, 6, 7);
            for (int expected : new int[] {1, 3, 5, 7}) {
                assertEquals(expected, receiveInt(client));
            }
        }
        assertEquals(4, server.metrics().responsesNone());
    }

    @Test
    void randomCompletionOrderFromManyThreadsKeepsRequestOrder() throws Exception {
        final long seed = TestSeeds.seed("ResponseOrderTest.randomCompletionOrderFromManyThreadsKeepsRequestOrder");
        final int requests = 2_000;
        final int batch = 50;
        final List<RequestContext> held = Collections.synchronizedList(new ArrayList<>());
        server = NetServer.start(loopback().maxInFlightRequests(batch).build(), held::add);
        final Random random = new Random(seed);
        try (Client client = connect(server)) {
            for (int start = 0; start < requests; start += batch) {
                final int[] values = new int[batch];
                for (int i = 0; i < batch; i++) {
                    values[i] = start + i;
                }
                sendInts(client, values);
                TestSupport.await(() -> held.size() == batch, "a batch of " + batch + " requests, seed=" + seed);
                final List<RequestContext> shuffled = new ArrayList<>(held);
                held.clear();
                Collections.shuffle(shuffled, random);
                for (RequestContext ctx : shuffled) {
                    responders.execute(() -> ctx.respond(intResponse(ctx.frame().getInt(0))));
                }
                for (int i = 0; i < batch; i++) {
                    assertEquals(start + i, receiveInt(client), "seed=" + seed);
                }
            }
        }
    }

    @Test
    void secondAnswerIsRejectedAndAnswerAfterCloseIsDropped() throws Exception {
        final AtomicReference<RequestContext> held = new AtomicReference<>();
        final ConcurrentHashMap<String, Boolean> listenerCalls = new ConcurrentHashMap<>();
        server = NetServer.start(loopback().build(), ctx -> {
            if (ctx.frame().getInt(0) == 0) {
                ctx.respond(intResponse(0));
                assertThrows(IllegalStateException.class, ctx::respondNothing);
            } else {
                held.set(ctx);
            }
        });
        try (Client client = connect(server)) {
            sendInts(client, 0);
            assertEquals(0, receiveInt(client));
            sendInts(client, 1);
            TestSupport.await(() -> held.get() != null, "request 1 received");
        }
        TestSupport.await(() -> server.metrics().openConnections() == 0, "connection closed by the peer");
        final Send late = Send.builder().add(sizePrefix(0)).listener(w -> listenerCalls.put("late", w)).build();
        held.get().respond(late); // dropped silently
        assertEquals(Boolean.FALSE, listenerCalls.get("late"));
        // Once the connection is gone every answer is dropped, a repeated one included: the request
        // was claimed as abandoned, so there is no "first" answer left to protect.
        held.get().respondNothing();
    }
}
