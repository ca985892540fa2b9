package io.fjord.net;

import static io.fjord.net.TestSupport.ECHO;
import static io.fjord.net.TestSupport.bytes;
import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static io.fjord.net.TestSupport.sizePrefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.net.TestSupport.Client;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection stops being read while it has too many unanswered requests or too many unsent response bytes. */
class BackPressureTest {

    private NetServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            closeAndAssertNoThreads(server);
        }
    }

    @Test
    void readingStopsAtMaxInFlightRequestsAndResumesWhenAnswered() throws Exception {
        final int limit = 8;
        final int requests = 200;
        final List<RequestContext> held = new ArrayList<>();
        final AtomicBoolean answerAtOnce = new AtomicBoolean();
        final AtomicInteger unanswered = new AtomicInteger();
        final AtomicInteger maxUnanswered = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        server = NetServer.start(loopback().maxInFlightRequests(limit).build(), ctx -> {
            calls.incrementAndGet();
            maxUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
            if (answerAtOnce.get()) {
                unanswered.decrementAndGet();
                ctx.respond(Send.of(sizePrefix(4), ByteBuffer.allocate(4).putInt(0, ctx.frame().getInt(0))));
            } else {
                synchronized (held) {
                    held.add(ctx);
                }
            }
        });
        try (Client client = connect(server)) {
            for (int i = 0; i < requests; i++) { // 1.6 KB: fits the socket buffers, the write never blocks
                client.out.writeInt(4);
                client.out.writeInt(i);
            }
            client.out.flush();
            TestSupport.await(() -> server.metrics().readPauses() >= 1, "reading paused");
            // Paused with `limit` unanswered: nothing more can be read until one is answered.
            assertEquals(limit, calls.get());
            answerAtOnce.set(true);
            final List<RequestContext> toAnswer;
            synchronized (held) {
                toAnswer = new ArrayList<>(held);
            }
            for (int i = toAnswer.size() - 1; i >= 0; i--) { // newest first: order must still hold
                final RequestContext ctx = toAnswer.get(i);
                unanswered.decrementAndGet();
                ctx.respond(Send.of(sizePrefix(4), ByteBuffer.allocate(4).putInt(0, ctx.frame().getInt(0))));
            }
            for (int i = 0; i < requests; i++) {
                assertEquals(4, client.in.readInt());
                assertEquals(i, client.in.readInt());
            }
        }
        assertEquals(requests, calls.get());
        assertTrue(maxUnanswered.get() <= limit, "unanswered requests peaked at " + maxUnanswered.get());
    }

    @Test
    void clientThatDoesNotReadIsStoppedThenCatchesUp() throws Exception {
        final int frameBytes = 64 * 1024;
        final int requests = 400; // 25 MiB each way: far beyond every buffer on the path
        final AtomicInteger calls = new AtomicInteger();
        server = NetServer.start(loopback()
            .maxQueuedResponseBytes(256 * 1024)
            .socketSendBufferBytes(64 * 1024)
            .socketReceiveBufferBytes(64 * 1024)
            .build(), ctx -> {
                calls.incrementAndGet();
                ECHO.onRequest(ctx);
            });
        final Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024); // before connect, so the window is small from the start
        socket.setSendBufferSize(64 * 1024);
        socket.connect(server.boundAddress());
        try (Client client = new Client(socket)) {
            final CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < requests; i++) {
                        client.send(bytes(frameBytes, i)); // blocks once the server stops reading
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            TestSupport.await(() -> server.metrics().readPauses() >= 1, "reading paused");
            final int callsWhenPaused = calls.get();
            // Bounded by the queued-bytes limit plus the kernel buffers in between, not by the 400 sent.
            assertTrue(callsWhenPaused < 100, "handler called " + callsWhenPaused + " times before pausing");
            for (int i = 0; i < requests; i++) {
                assertArrayEquals(bytes(frameBytes, i), client.receive(), "response " + i);
            }
            writer.get(TestSupport.WAIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        assertEquals(requests, calls.get());
    }
}
