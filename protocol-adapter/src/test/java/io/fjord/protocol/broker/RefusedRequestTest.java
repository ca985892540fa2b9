package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.message.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.fjord.testsupport.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A refused request condemns its connection: nothing the client sent behind it is executed, as in
 * Kafka, which reads one request at a time and closes on the bad one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RefusedRequestTest {
    private static final short PRODUCE_VERSION = 9;
    private static final short UNKNOWN_API_KEY = 15_000;

    @TempDir
    Path dir;

    private LogEngine engine;
    private Broker broker;

    @BeforeEach
    void start() {
        engine = LogEngine.open(dir);
        engine.createTopic("t", 1);
        broker = Broker.start(engine, BrokerConfig.port(0));
    }

    @AfterEach
    void stop() {
        broker.close();
        engine.close();
    }

    @Test
    void producesBehindAnUnknownApiKeyInTheSameWriteAreNotAppended() throws Exception {
        ByteArrayOutputStream oneWrite = new ByteArrayOutputStream();
        oneWrite.writeBytes(frame(UNKNOWN_API_KEY, (short) 0, 1, null));
        oneWrite.writeBytes(frame(ApiKey.PRODUCE.id, PRODUCE_VERSION, 2, produce("behind the refused frame 1")));
        oneWrite.writeBytes(frame(ApiKey.PRODUCE.id, PRODUCE_VERSION, 3, produce("behind the refused frame 2")));
        try (Socket socket = new Socket("127.0.0.1", broker.boundAddress().getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(oneWrite.toByteArray());
            socket.getOutputStream().flush();
            assertClosedWithoutAnswer(socket);
        }
        waitUntil(Duration.ofSeconds(20), () -> broker.netMetrics().openConnections() == 0,
                () -> "the refused connection did not close: " + broker.netMetrics());
        // Appends run on writer threads: a produce dispatched behind the refused frame could still be
        // on its way. A produce on a new connection goes through the same partition's writer after
        // it, so when it is answered, anything dispatched earlier is in the log.
        try (WireClient client = new WireClient(broker)) {
            ProduceResponse response = (ProduceResponse) client.call(ApiKey.PRODUCE, PRODUCE_VERSION,
                    produce("after"));
            ProduceResponse.PartitionProduceResponse partition =
                    response.responses().get(0).partitionResponses().get(0);
            assertEquals(Errors.NONE.code(), partition.errorCode());
            assertEquals(0, partition.baseOffset(), "records behind the refused frame were appended");
        }
        assertEquals(1, engine.partition("t", 0).latestOffset());
        assertEquals(1, broker.netMetrics().closesRequested());
    }

    @Test
    void thousandsOfRefusedRequestsLogABoundedNumberOfLinesAndAreAllCounted() throws Exception {
        int refusals = 2_000;
        int linesPerMinute = 4;
        broker.close();
        broker = Broker.start(engine, BrokerConfig.fromProperties(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dir.toString(),
                "fjord.log.rate.limit.per.minute", Integer.toString(linesPerMinute))));
        Logger jul = Logger.getLogger(KafkaRequestRouter.class.getName());
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            byte[] garbage = frame(UNKNOWN_API_KEY, (short) 0, 1, null);
            for (int i = 0; i < refusals; i++) {
                try (Socket socket = new Socket("127.0.0.1", broker.boundAddress().getPort())) {
                    socket.setSoTimeout(20_000);
                    socket.getOutputStream().write(garbage);
                    assertClosedWithoutAnswer(socket);
                }
            }
            waitUntil(Duration.ofSeconds(20), () -> broker.netMetrics().closesRequested() == refusals,
                    () -> "refusals counted: " + broker.netMetrics());
        } finally {
            jul.removeHandler(capture);
        }
        List<String> aboutUnknownApis = lines.stream()
                .filter(line -> line.contains("unknown or unserved API key") || line.contains("(unknown API key)"))
                .toList();
        // The budget, plus at most one summary per minute the test took on a slow machine.
        assertTrue(aboutUnknownApis.size() >= linesPerMinute && aboutUnknownApis.size() <= linesPerMinute + 2,
                aboutUnknownApis.size() + " lines: " + aboutUnknownApis);
        assertEquals(refusals, broker.protocolMetrics().unknownApiKeys());
        assertEquals(refusals, broker.netMetrics().closesRequested());
        assertTrue(broker.protocolMetrics().logLinesSuppressed() >= refusals - 3L * linesPerMinute,
                broker.protocolMetrics().toString());
    }

    static ProduceRequest produce(String value) {
        ByteBuffer built = new RecordBatchBuilder(128).append(1L, null, value.getBytes(StandardCharsets.UTF_8)).build();
        ByteBuffer records = ByteBuffer.allocate(built.remaining()).put(built).flip();
        ProduceRequest request = new ProduceRequest().setAcks((short) 1).setTimeoutMs(30_000);
        ProduceRequest.TopicProduceData topic = new ProduceRequest.TopicProduceData().setName("t");
        topic.partitionData().add(new ProduceRequest.PartitionProduceData().setIndex(0)
                .setRecords(new BufferRecords(records)));
        request.topicData().add(topic);
        return request;
    }

    /** A size-prefixed request: header v1 (or v2 when the API's version needs it) and the body, if any. */
    static byte[] frame(short apiKey, short version, int correlationId, ApiMessage body) {
        ApiKey api = ApiKey.forId(apiKey);
        short headerVersion = api == null ? 1 : api.requestHeaderVersion(version);
        RequestHeader header = new RequestHeader().setRequestApiKey(apiKey).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("refused-test");
        int size = header.size(headerVersion) + (body == null ? 0 : body.size(version));
        ByteBuffer frame = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferWritable out = new ByteBufferWritable(frame);
        header.write(out, headerVersion);
        if (body != null) {
            body.write(out, version);
        }
        return frame.array();
    }

    static void assertClosedWithoutAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            int n = in.read(new byte[4096]);
            assertEquals(-1, n, "the broker answered " + n + " bytes instead of closing");
        } catch (SocketTimeoutException e) {
            fail("the broker kept the connection open");
        } catch (SocketException reset) {
            // closed with our bytes unread: a close too
        }
    }
}
