package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.Readable;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;
import io.fjord.testsupport.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 11, point 6: a client that connects while the broker starts must get a whole answer. A
 * poller connects in a loop (refused until the port is bound) and sends Metadata at once, so its
 * request waits in the kernel for the very first read of the broker's network thread; the broker
 * used to serve it before the advertised host was set ("MetadataResponseBroker.host is null in a
 * version where it is not nullable": the connection was closed instead of answered).
 */
class BrokerStartRaceTest {
    private static final int ROUNDS = 20;
    private static final short METADATA_VERSION = 9;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void metadataDuringStartIsAlwaysWhole() throws Exception {
        int port = freePort();
        try (LogEngine engine = LogEngine.open(dir)) {
            for (int round = 0; round < ROUNDS; round++) {
                AtomicReference<Object> outcome = new AtomicReference<>();
                Thread poller = new Thread(() -> outcome.set(pollOnce(port)), "metadata-poller-" + round);
                poller.start();
                // The poller is already knocking (refused) when the port is bound.
                try (Broker broker = Broker.start(engine, BrokerConfig.port(port))) {
                    int currentRound = round;
                    Waits.waitUntil(Duration.ofSeconds(30), () -> outcome.get() != null,
                            () -> "the poller's Metadata answer in round " + currentRound);
                    poller.join();
                }
                Object result = outcome.get();
                if (result instanceof Throwable failure) {
                    throw new AssertionError("round " + round + ": Metadata during start failed: " + failure, failure);
                }
                MetadataResponse response = (MetadataResponse) result;
                assertEquals(1, response.brokers().size(), "brokers in round " + round);
                MetadataResponse.MetadataResponseBroker self = response.brokers().get(0);
                assertEquals("127.0.0.1", self.host(), "advertised host in round " + round);
                assertEquals(port, self.port(), "advertised port in round " + round);
                assertEquals(BrokerConfig.DEFAULT_NODE_ID, response.controllerId(), "controller in round " + round);
            }
        }
    }

    /** Connects as soon as the port accepts, sends Metadata, returns the response or what went wrong. */
    private static Object pollOnce(int port) {
        Waits.Deadline deadline = Waits.deadline(Duration.ofSeconds(30));
        while (!deadline.passed()) {
            Socket socket = new Socket();
            try (socket) {
                try {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                } catch (ConnectException refused) {
                    Thread.onSpinWait();
                    continue;
                }
                socket.setSoTimeout(30_000);
                return metadata(socket);
            } catch (IOException | RuntimeException e) {
                return e;
            }
        }
        return new AssertionError("port " + port + " never accepted a connection");
    }

    private static MetadataResponse metadata(Socket socket) throws IOException {
        ApiKey api = ApiKey.METADATA;
        MetadataRequest request = new MetadataRequest().setTopics(new ArrayList<>()).setAllowAutoTopicCreation(false);
        RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(METADATA_VERSION)
                .setCorrelationId(7).setClientId("start-race");
        short headerVersion = api.requestHeaderVersion(METADATA_VERSION);
        int size = header.size(headerVersion) + request.size(METADATA_VERSION);
        ByteBuffer frame = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferWritable out = new ByteBufferWritable(frame);
        header.write(out, headerVersion);
        request.write(out, METADATA_VERSION);
        socket.getOutputStream().write(frame.array(), 0, frame.position());

        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()]; // EOF here: the broker closed instead of answering
        in.readFully(body);
        Readable readable = new Readable(ByteBuffer.wrap(body));
        ResponseHeader responseHeader = new ResponseHeader(readable, api.responseHeaderVersion(METADATA_VERSION));
        assertEquals(7, responseHeader.correlationId());
        MetadataResponse response = new MetadataResponse();
        response.read(readable, METADATA_VERSION);
        return response;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
