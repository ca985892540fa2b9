package io.fjord.protocol.broker;

import io.fjord.testsupport.Waits;
import io.fjord.log.LogEngine;
import io.fjord.testsupport.TestSeeds;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.fjord.protocol.broker.BrokerTestSupport.openFileDescriptors;
import static io.fjord.testsupport.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile and odd input on raw sockets: truncated, oversized, negative and garbage frames,
 * unknown APIs and versions. The broker must answer what Kafka answers (ApiVersions v0 always,
 * UNSUPPORTED_VERSION for a too-new ApiVersions), close the offending connection otherwise, keep
 * serving real clients afterwards, and leak no file descriptor.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileInputTest {
    private static final int MAX_FRAME_BYTES = 1024 * 1024;
    /** Connections of the concurrent and of the sequential phase each. */
    private static final int CONNECTIONS = 200;
    /** File descriptors the JVM may open lazily meanwhile (jars, class data). */
    private static final int FD_SLACK = 8;
    private static final Duration FD_WAIT = Duration.ofSeconds(20);
    /** How long a raw socket waits for a broker reply or close. */
    private static final int READ_TIMEOUT_MS = 10_000;

    private static final short PRODUCE = 0;
    private static final short FETCH = 1;
    private static final short LIST_OFFSETS = 2;
    private static final short METADATA = 3;
    private static final short API_VERSIONS = 18;
    private static final short INIT_PRODUCER_ID = 22;
    private static final short DESCRIBE_CONFIGS = 32;
    private static final short DESCRIBE_CLUSTER = 60;
    /** APIs that random bodies are thrown at; admin APIs that create or delete are left out on purpose. */
    private static final short[] GARBAGE_APIS = {PRODUCE, FETCH, LIST_OFFSETS, METADATA, API_VERSIONS,
            INIT_PRODUCER_ID, DESCRIBE_CONFIGS, DESCRIBE_CLUSTER};
    private static final short UNSUPPORTED_VERSION = 35;

    @TempDir
    Path dir;

    @Test
    void survivesHostileConnectionsAndLeaksNothing() throws Exception {
        long seed = TestSeeds.seed("HostileInputTest");
        Random random = new Random(seed);
        BrokerConfig.Builder config = BrokerConfig.builder().listener(BrokerConfig.DEFAULT_HOST, 0).maxFetchWaitMs(500);
        config.net().maxFrameBytes(MAX_FRAME_BYTES);
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, config.build())) {
            InetSocketAddress address = broker.boundAddress();
            // Warm up: loads the client classes (their jars stay open) before the baseline.
            roundTrip(broker.bootstrap(), "warmup", 100);
            // The broker closes its end of the warm-up clients' connections when it reads their EOF;
            // counting before that would put their descriptors into the baseline.
            waitUntil(FD_WAIT, () -> broker.netMetrics().openConnections() == 0,
                    () -> "warm-up connections to close: " + broker.netMetrics());
            int baseline = openFileDescriptors();
            System.out.println("file descriptors at baseline: " + baseline);

            concurrentHalfFrames(address, broker);
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int kind = random.nextInt(10);
                String name = hostileCase(kind, address, random, i);
                counts.merge(name, 1, Integer::sum);
            }
            System.out.println("hostile connections by case: " + counts);
            assertFdsBackTo(baseline, "after the hostile connections");

            pipelinedApiVersionsAndMetadata(address);
            roundTrip(broker.bootstrap(), "after-hostile", 1_000);
            assertFdsBackTo(baseline, "after the clients closed");
        }
    }

    /** kafka-python's first move on a new connection: ApiVersions v0 and Metadata v0 in one write. */
    @Test
    void pipelinedApiVersionsAndMetadataAnsweredInOrder() throws Exception {
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            engine.createTopic("pipelined", 3);
            pipelinedApiVersionsAndMetadata(broker.boundAddress());
        }
    }

    /** ApiVersions v99: error 35 with ApiVersions' own range in a v0 body, and the connection stays usable. */
    @Test
    void tooNewApiVersionsGetsUnsupportedVersionInV0() throws Exception {
        try (LogEngine engine = LogEngine.open(dir); Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            try (Socket socket = connect(broker.boundAddress())) {
                apiVersionsTooNew(socket, 4242);
                // Kafka keeps the connection: the client retries with a version we listed.
                apiVersionsV0(socket, 4243);
            }
        }
    }

    // ---------------------------------------------------------------- cases

    private String hostileCase(int kind, InetSocketAddress address, Random random, int i) throws IOException {
        try (Socket socket = connect(address)) {
            OutputStream out = socket.getOutputStream();
            switch (kind) {
                case 0 -> {
                    // Truncated frame, then the client goes away.
                    byte[] frame = frame(apiVersionsV0Request(i));
                    out.write(frame, 0, 1 + random.nextInt(frame.length - 1));
                    out.flush();
                    return "truncated";
                }
                case 1 -> {
                    out.write(sizePrefix(64 * 1024 * 1024));
                    out.write(new byte[64]);
                    out.flush();
                    assertClosedByBroker(socket, "a 64 MiB size prefix over the 1 MiB limit");
                    return "oversized";
                }
                case 2 -> {
                    out.write(sizePrefix(-1 - random.nextInt(Integer.MAX_VALUE)));
                    out.flush();
                    assertClosedByBroker(socket, "a negative size prefix");
                    return "negative";
                }
                case 3 -> {
                    byte[] garbage = new byte[1 + random.nextInt(4096)];
                    random.nextBytes(garbage);
                    out.write(garbage);
                    out.flush();
                    socket.shutdownOutput();
                    drainUntilClosed(socket, "random garbage");
                    return "garbage";
                }
                case 4 -> {
                    garbageBody(socket, random, i);
                    return "garbage-body";
                }
                case 5 -> {
                    out.write(frame(requestHeaderV1((short) 999, (short) 0, i, "hostile")));
                    out.flush();
                    assertClosedByBroker(socket, "unknown API key 999");
                    return "unknown-api";
                }
                case 6 -> {
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    body.write(requestHeaderV1(METADATA, (short) 99, i, "hostile"));
                    body.write(new byte[]{0, 0, 0, 0});
                    out.write(frame(body.toByteArray()));
                    out.flush();
                    assertClosedByBroker(socket, "Metadata v99");
                    return "metadata-v99";
                }
                case 7 -> {
                    apiVersionsTooNew(socket, i);
                    return "apiversions-v99";
                }
                case 8 -> {
                    apiVersionsV0(socket, i);
                    return "apiversions-v0";
                }
                case 9 -> {
                    // A good request, then half of the next one, then close mid-frame.
                    apiVersionsV0(socket, i);
                    byte[] frame = frame(apiVersionsV0Request(i + 1));
                    out.write(frame, 0, frame.length / 2);
                    out.flush();
                    return "cut-mid-connection";
                }
                default -> throw new AssertionError(kind);
            }
        }
    }

    /** A well-formed size and header for a real API and supported version, with a random body. */
    private static void garbageBody(Socket socket, Random random, int correlationId) throws IOException {
        short api = GARBAGE_APIS[random.nextInt(GARBAGE_APIS.length)];
        short version = switch (api) {
            case PRODUCE -> (short) (3 + random.nextInt(10));
            case FETCH -> (short) (4 + random.nextInt(9));
            case LIST_OFFSETS -> (short) (1 + random.nextInt(6));
            case METADATA -> (short) random.nextInt(10);
            case API_VERSIONS -> (short) random.nextInt(5);
            case INIT_PRODUCER_ID -> (short) random.nextInt(5);
            case DESCRIBE_CONFIGS -> (short) random.nextInt(5);
            default -> (short) random.nextInt(2);
        };
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(requestHeaderV1(api, version, correlationId, "garbage"));
        byte[] rest = new byte[random.nextInt(512)];
        random.nextBytes(rest);
        body.write(rest);
        OutputStream out = socket.getOutputStream();
        out.write(frame(body.toByteArray()));
        out.flush();
        socket.shutdownOutput();
        drainUntilClosed(socket, "random body for api " + api + " v" + version);
    }

    /** 200 connections held open at once, each mid-frame; all accepted, all released on close. */
    private static void concurrentHalfFrames(InetSocketAddress address, Broker broker) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket socket = connect(address);
                sockets.add(socket);
                byte[] frame = frame(apiVersionsV0Request(i));
                socket.getOutputStream().write(frame, 0, frame.length - 3);
                socket.getOutputStream().flush();
            }
            waitUntil(FD_WAIT, () -> broker.netMetrics().openConnections() == CONNECTIONS,
                    () -> "broker to hold " + CONNECTIONS + " half-frame connections open: " + broker.netMetrics());
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void pipelinedApiVersionsAndMetadata(InetSocketAddress address) throws IOException {
        try (Socket socket = connect(address)) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(frame(apiVersionsV0Request(101)));
            ByteArrayOutputStream metadata = new ByteArrayOutputStream();
            metadata.write(requestHeaderV1(METADATA, (short) 0, 102, "kafka-python-2.0.2"));
            metadata.write(new byte[]{0, 0, 0, 0}); // topics: empty array = all topics in v0
            both.write(frame(metadata.toByteArray()));
            socket.getOutputStream().write(both.toByteArray());
            socket.getOutputStream().flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteBuffer first = readResponse(in);
            assertEquals(101, first.getInt(), "first response answers the ApiVersions request");
            Map<Short, short[]> ranges = parseApiVersionsV0Body(first);
            assertEquals(0, ranges.get((short) -1)[0], "ApiVersions error code");
            assertTrue(ranges.containsKey(METADATA), "Metadata advertised");

            ByteBuffer second = readResponse(in);
            assertEquals(102, second.getInt(), "second response answers the Metadata request");
            int brokers = second.getInt();
            assertEquals(1, brokers, "one broker");
            second.getInt(); // node id
            String host = readString(second);
            int port = second.getInt();
            assertEquals(address.getHostString(), host);
            assertEquals(address.getPort(), port);
            int topics = second.getInt();
            for (int t = 0; t < topics; t++) {
                assertEquals(0, second.getShort(), "topic error code");
                readString(second);
                int partitions = second.getInt();
                for (int p = 0; p < partitions; p++) {
                    assertEquals(0, second.getShort(), "partition error code");
                    second.getInt(); // partition index
                    second.getInt(); // leader
                    skipInt32Array(second); // replicas
                    skipInt32Array(second); // isr
                }
            }
            assertEquals(0, second.remaining(), "Metadata v0 response fully parsed");
        }
    }

    private static void apiVersionsV0(Socket socket, int correlationId) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(frame(apiVersionsV0Request(correlationId)));
        out.flush();
        ByteBuffer response = readResponse(new DataInputStream(socket.getInputStream()));
        assertEquals(correlationId, response.getInt(), "correlation id");
        Map<Short, short[]> ranges = parseApiVersionsV0Body(response);
        assertEquals(0, ranges.get((short) -1)[0], "error code");
        assertTrue(ranges.containsKey(PRODUCE), "Produce advertised: " + ranges.keySet());
        assertTrue(ranges.containsKey(FETCH), "Fetch advertised: " + ranges.keySet());
        assertEquals(0, ranges.get(API_VERSIONS)[0], "ApiVersions min");
        assertEquals(0, ranges.get(PRODUCE)[0], "Produce min (librdkafka needs 0)");
    }

    private static void apiVersionsTooNew(Socket socket, int correlationId) throws IOException {
        // What a future client sends: a flexible (v2) header, then a body we cannot know.
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(request);
        data.writeShort(API_VERSIONS);
        data.writeShort(99);
        data.writeInt(correlationId);
        writeString(data, "from-the-future");
        data.writeByte(0); // no tagged fields
        data.write(new byte[]{5, 'j', 'a', 'v', 'a', 3, '9', '9', 0});
        OutputStream out = socket.getOutputStream();
        out.write(frame(request.toByteArray()));
        out.flush();
        ByteBuffer response = readResponse(new DataInputStream(socket.getInputStream()));
        assertEquals(correlationId, response.getInt(), "correlation id (response header v0)");
        Map<Short, short[]> ranges = parseApiVersionsV0Body(response);
        assertEquals(UNSUPPORTED_VERSION, ranges.get((short) -1)[0], "error code");
        short[] own = ranges.get(API_VERSIONS);
        assertTrue(own != null, "ApiVersions' own range listed: " + ranges.keySet());
        assertEquals(0, own[0], "ApiVersions min");
        assertTrue(own[1] >= 3 && own[1] < 99, "ApiVersions max " + own[1]);
    }

    /**
     * ApiVersions v0 body: int16 error code, int32 count, count x (int16 key, int16 min, int16 max).
     * Returns key -> {min, max}, with the error code under key -1. Asserts nothing is left over.
     */
    private static Map<Short, short[]> parseApiVersionsV0Body(ByteBuffer body) {
        Map<Short, short[]> ranges = new HashMap<>();
        ranges.put((short) -1, new short[]{body.getShort()});
        int count = body.getInt();
        assertTrue(count >= 0 && count * 6 == body.remaining(),
                "array of " + count + " entries in " + body.remaining() + " bytes");
        for (int i = 0; i < count; i++) {
            short key = body.getShort();
            short min = body.getShort();
            short max = body.getShort();
            assertTrue(min <= max, "api " + key + " range " + min + ".." + max);
            ranges.put(key, new short[]{min, max});
        }
        return ranges;
    }

    // ---------------------------------------------------------------- wire helpers

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Reads one response frame: the 4-byte size, then exactly that many bytes. */
    private static ByteBuffer readResponse(DataInputStream in) throws IOException {
        int size = in.readInt();
        assertTrue(size >= 4 && size < 16 * 1024 * 1024, "response size " + size);
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** Expects the broker to close without sending anything. */
    private static void assertClosedByBroker(Socket socket, String why) throws IOException {
        byte[] buffer = new byte[4096];
        InputStream in = socket.getInputStream();
        try {
            int n = in.read(buffer);
            assertEquals(-1, n, "broker sent " + n + " bytes instead of closing after " + why);
        } catch (SocketTimeoutException e) {
            fail("broker kept the connection open for " + READ_TIMEOUT_MS + " ms after " + why);
        } catch (SocketException reset) {
            // connection reset: closed with our bytes unread, which is a close too
        }
    }

    /** Reads (and discards) whatever the broker answers until it closes; bounded in bytes and time. */
    private static void drainUntilClosed(Socket socket, String why) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        InputStream in = socket.getInputStream();
        long total = 0;
        Waits.Deadline deadline = Waits.deadline(Duration.ofMillis(READ_TIMEOUT_MS));
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                total += n;
                assertTrue(total < 64L * 1024 * 1024, "broker answered > 64 MiB to " + why);
                deadline.failIfPassed(() -> "broker did not close after " + why);
            }
        } catch (SocketTimeoutException e) {
            fail("broker neither answered nor closed within " + READ_TIMEOUT_MS + " ms after " + why
                    + " and our end of stream");
        } catch (SocketException reset) {
            // closed with our bytes unread
        }
    }

    private static byte[] sizePrefix(int size) {
        return ByteBuffer.allocate(4).putInt(size).array();
    }

    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static byte[] apiVersionsV0Request(int correlationId) throws IOException {
        return requestHeaderV1(API_VERSIONS, (short) 0, correlationId, "hostile-test");
    }

    /** Request header v1: api key, api version, correlation id, nullable int16-length client id. */
    private static byte[] requestHeaderV1(short api, short version, int correlationId, String clientId)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(api);
        out.writeShort(version);
        out.writeInt(correlationId);
        writeString(out, clientId);
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static void skipInt32Array(ByteBuffer in) {
        int count = in.getInt();
        assertEquals(1, count, "one replica / in-sync replica");
        in.position(in.position() + 4 * count);
    }

    private static String readString(ByteBuffer in) {
        short length = in.getShort();
        assertTrue(length >= 0, "non-null string");
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- clients and fds

    /** A kafka-clients producer and consumer still work: {@code count} records in, the same out. */
    private static void roundTrip(String bootstrap, String topic, int count) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(BrokerTestSupport.producerProps(bootstrap))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(BrokerTestSupport.consumerProps(bootstrap))) {
            List<ConsumerRecord<String, String>> got = BrokerTestSupport.readAll(consumer,
                    List.of(new TopicPartition(topic, 0)), Duration.ofSeconds(60));
            String[] expected = new String[count];
            String[] actual = new String[got.size()];
            for (int i = 0; i < count; i++) {
                expected[i] = i + ":k" + i + "=v" + i;
            }
            for (int i = 0; i < got.size(); i++) {
                ConsumerRecord<String, String> r = got.get(i);
                actual[i] = r.offset() + ":" + r.key() + "=" + r.value();
            }
            assertArrayEquals(expected, actual, "records of " + topic);
        }
    }

    private static void assertFdsBackTo(int baseline, String when) throws InterruptedException {
        if (baseline < 0) {
            System.out.println("no /proc/self/fd: file descriptor check skipped");
            return;
        }
        waitUntil(FD_WAIT, () -> openFileDescriptors() <= baseline + FD_SLACK,
                () -> "file descriptors " + when + ": " + openFileDescriptors() + ", baseline " + baseline
                        + " + slack " + FD_SLACK);
        System.out.println("file descriptors " + when + ": " + openFileDescriptors() + " (baseline " + baseline + ")");
    }
}
