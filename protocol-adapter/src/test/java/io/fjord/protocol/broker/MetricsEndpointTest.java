package io.fjord.protocol.broker;

import io.fjord.log.InvalidConfigException;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.protocol.metrics.HttpListener;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.fjord.testsupport.Waits.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics a real client's traffic leaves: {@code /metrics} in Prometheus' text format,
 * {@code /health}, and the Kafka-named MBeans; and the endpoint's configuration.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsEndpointTest {
    private static final String TOPIC = "metrics-topic";
    private static final int RECORDS = 50;
    /** Produced after the group committed: its lag. */
    private static final int UNCONSUMED = 7;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path dir;


    private static BrokerConfig.Builder ephemeral() {
        return BrokerConfig.builder().listener("127.0.0.1", 0);
    }

    @Test
    void produceAndConsumeShowUpOnMetricsHealthAndJmx() throws Exception {
        try (LogEngine engine = LogEngine.open(dir)) {
            // durability=sync: every acknowledged append is fsynced, so the flush histogram fills.
            engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of(TopicConfig.DURABILITY, "sync")));
            InetSocketAddress endpoint;
            ObjectName bytesIn = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=" + TOPIC);
            ObjectName produceTime = new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce");
            try (Broker broker = Broker.start(engine, ephemeral()
                    .httpListener(new HttpListener("127.0.0.1", 0)).jmx(true).build())) {
                endpoint = broker.httpAddress();
                assertNotNull(endpoint);
                assertNotEquals(0, endpoint.getPort());
                produceAndConsume(broker.bootstrap());
                produce(broker.bootstrap(), UNCONSUMED);
                fetchOutOfRange(broker.bootstrap());

                Reply health = get(endpoint, "/health");
                assertEquals(200, health.statusCode(), health.body());
                assertEquals("ok", health.body().trim());

                String metrics = get(endpoint, "/metrics").body();
                // A scraper that prefers protobuf (Prometheus with native histograms) is answered too.
                Reply asked = get(endpoint, "/metrics",
                        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                                + "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3");
                assertEquals(200, asked.statusCode(), asked.body());
                assertTrue(asked.contentType().contains("protobuf"), asked.contentType());
                assertTrue(metrics.contains("# TYPE fjord_request_total_time_seconds histogram"), metrics);
                assertTrue(value(metrics, "fjord_request_total_time_seconds_count{request=\"Produce\"}") >= 1, metrics);
                // Every produce answered within 30 s lands in a finite bucket.
                assertEquals(value(metrics, "fjord_request_total_time_seconds_count{request=\"Produce\"}"),
                        value(metrics, "fjord_request_total_time_seconds_bucket{request=\"Produce\",le=\"30.0\"}"),
                        metrics);
                assertTrue(value(metrics, "fjord_request_local_time_seconds_count{request=\"Produce\"}") >= 1, metrics);
                assertTrue(value(metrics, "fjord_requests_total{request=\"Fetch\"}") >= 1, metrics);
                assertTrue(value(metrics, "fjord_topic_bytes_in_total{topic=\"" + TOPIC + "\"}") > 0, metrics);
                assertEquals(RECORDS + UNCONSUMED, value(metrics, "fjord_topic_records_in_total{topic=\"" + TOPIC + "\"}"), metrics);
                assertTrue(value(metrics, "fjord_topic_bytes_out_total{topic=\"" + TOPIC + "\"}") > 0, metrics);
                assertTrue(value(metrics, "fjord_connections_created_total") >= 2, metrics);
                assertEquals(UNCONSUMED, value(metrics,
                        "fjord_consumer_group_lag{group=\"metrics-group\",partition=\"0\",topic=\"" + TOPIC + "\"}"), metrics);
                assertTrue(metrics.contains("fjord_writer_queue_depth{writer=\"0\"}"), metrics);
                assertTrue(value(metrics,
                        "fjord_request_errors_total{error=\"OFFSET_OUT_OF_RANGE\",request=\"Fetch\"}") >= 1, metrics);
                assertTrue(value(metrics, "fjord_log_flush_time_seconds_count") >= 1, metrics);

                // The MBeans are registered on a thread of their own, off the start-up path.
                waitUntil(Duration.ofSeconds(30), () -> JMX.isRegistered(bytesIn), () -> bytesIn + " not registered");
                assertTrue((Long) JMX.getAttribute(bytesIn, "Count") > 0);
                assertTrue((Long) JMX.getAttribute(produceTime, "Count") >= 1);
                assertTrue((Double) JMX.getAttribute(produceTime, "99thPercentile") > 0);
                assertTrue(JMX.isRegistered(new ObjectName(
                        "kafka.network:type=RequestMetrics,name=RequestsPerSec,request=FetchConsumer")));
                assertTrue((Long) JMX.getAttribute(new ObjectName("kafka.network:type=RequestMetrics,name=ErrorsPerSec,"
                        + "request=FetchConsumer,error=OFFSET_OUT_OF_RANGE"), "Count") >= 1);
                assertTrue((Long) JMX.getAttribute(new ObjectName("kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs"),
                        "Count") >= 1);
            }
            assertFalse(JMX.isRegistered(bytesIn), "closing the broker unregisters its MBeans");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                    t -> t.isAlive() && (t.getName().endsWith("http") || t.getName().endsWith("jmx")
                            || t.getName().equals("HTTP-Dispatcher"))),
                    "closing the broker ends its metrics threads");
            assertFalse(JMX.isRegistered(produceTime));
            assertThrows(ConnectException.class, () -> get(endpoint, "/health"), "closing the broker closes the endpoint");
        }
    }

    @Test
    void healthIs503WhenTheEngineIsClosedUnderTheBroker() throws Exception {
        LogEngine engine = LogEngine.open(dir);
        try (Broker broker = Broker.start(engine, ephemeral().httpListener(new HttpListener("127.0.0.1", 0)).build())) {
            assertEquals(200, get(broker.httpAddress(), "/health").statusCode());
            engine.close();
            Reply health = get(broker.httpAddress(), "/health");
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("engine closed"), health.body());
        } finally {
            engine.close();
        }
    }

    @Test
    void noneBindsNothingAndPropertiesOnAnEphemeralPortGetAnEphemeralEndpoint() throws Exception {
        try (LogEngine engine = LogEngine.open(dir)) {
            BrokerConfig none = BrokerConfig.fromProperties(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                    HttpListener.CONFIG, "none"));
            assertNull(none.httpListener());
            try (Broker broker = Broker.start(engine, none)) {
                assertNull(broker.httpAddress());
            }
            assertNull(BrokerConfig.port(0).httpListener(), "a broker built in code has no endpoint unless asked");
            BrokerConfig defaulted = BrokerConfig.fromProperties(Map.of("listeners", "PLAINTEXT://127.0.0.1:0"));
            assertEquals(new HttpListener("127.0.0.1", 0), defaulted.httpListener());
            assertEquals(new HttpListener("127.0.0.1", HttpListener.DEFAULT_PORT),
                    BrokerConfig.fromProperties(Map.of("listeners", "PLAINTEXT://127.0.0.1:19092")).httpListener());
            try (Broker broker = Broker.start(engine, defaulted)) {
                assertNotEquals(HttpListener.DEFAULT_PORT, broker.httpAddress().getPort());
                assertEquals(200, get(broker.httpAddress(), "/health").statusCode());
            }
        }
    }

    @Test
    void aBadListenerValueIsAClearConfigError() {
        for (String bad : List.of("9644", "https://127.0.0.1:9644", "http://127.0.0.1:port", "http://127.0.0.1:70000",
                "http://127.0.0.1", "http://:9644", "http://127.0.0.1:9644/metrics")) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> BrokerConfig.fromProperties(
                    Map.of("listeners", "PLAINTEXT://127.0.0.1:0", HttpListener.CONFIG, bad)), bad);
            assertTrue(e.getMessage().startsWith(HttpListener.CONFIG + ": "), e.getMessage());
        }
        assertEquals(new HttpListener("::1", 0), HttpListener.parse("http://[::1]:0"));
    }

    @Test
    void aTakenHttpPortFailsTheStartNamingTheKey() throws Exception {
        try (LogEngine engine = LogEngine.open(dir);
             Broker first = Broker.start(engine, ephemeral().httpListener(new HttpListener("127.0.0.1", 0)).build())) {
            int taken = first.httpAddress().getPort();
            BrokerStartException e = assertThrows(BrokerStartException.class, () -> Broker.start(engine,
                    ephemeral().httpListener(new HttpListener("127.0.0.1", taken)).build()));
            assertTrue(e.getMessage().contains(HttpListener.CONFIG), e.getMessage());
            assertEquals(200, get(first.httpAddress(), "/health").statusCode());
        }
    }

    @Test
    void aSecondBrokerAskingForJmxInTheSameJvmServesWithoutIt() throws Exception {
        ObjectName flush = new ObjectName("kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs");
        try (LogEngine engine = LogEngine.open(dir)) {
            try (Broker first = Broker.start(engine, ephemeral().jmx(true).build())) {
                waitUntil(Duration.ofSeconds(30), () -> JMX.isRegistered(flush), () -> flush + " not registered");
                try (Broker second = Broker.start(engine, ephemeral().jmx(true).build())) {
                    assertTrue(JMX.isRegistered(flush));
                }
                assertTrue(JMX.isRegistered(flush), "the second broker's close leaves the first one's MBeans");
            }
            assertFalse(JMX.isRegistered(flush));
        }
    }

    /** A fetch past the log end: the broker answers OFFSET_OUT_OF_RANGE, the consumer resets to earliest. */
    private static void fetchOutOfRange(String bootstrap) throws Exception {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(BrokerTestSupport.consumerProps(bootstrap))) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 1_000_000);
            waitUntil(Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.position(tp) < 1_000_000;
            }, () -> "the consumer never reset its out-of-range position");
        }
    }

    private static void produce(String bootstrap, int records) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(BrokerTestSupport.producerProps(bootstrap))) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)).get();
            }
        }
    }

    private void produceAndConsume(String bootstrap) throws Exception {
        produce(bootstrap, RECORDS);
        Properties props = BrokerTestSupport.consumerProps(bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "metrics-group");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(TOPIC));
            int[] got = {0};
            waitUntil(Duration.ofSeconds(60), () -> {
                got[0] += consumer.poll(Duration.ofMillis(100)).count();
                return got[0] >= RECORDS;
            }, () -> "consumed " + got[0] + " of " + RECORDS);
            consumer.commitSync();
        }
    }

    private static Reply get(InetSocketAddress address, String path) throws IOException {
        return get(address, path, null);
    }

    /**
     * One HTTP/1.0 GET on its own connection, closed by the server after the answer: a test that
     * checks for leaked sockets cannot use a client that pools connections it has no way to close
     * (java.net.http.HttpClient has no close() on Java 17).
     */
    private static Reply get(InetSocketAddress address, String path, String accept) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", address.getPort())) {
            socket.setSoTimeout(30_000);
            String request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                    + (accept == null ? "" : "Accept: " + accept + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            int headersEnd = response.indexOf("\r\n\r\n");
            assertTrue(headersEnd > 0, "no HTTP response: " + response);
            String[] lines = response.substring(0, headersEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String contentType = "";
            for (String line : lines) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                    contentType = line.substring("content-type:".length()).trim();
                }
            }
            return new Reply(status, contentType, response.substring(headersEnd + 4));
        }
    }

    private record Reply(int statusCode, String contentType, String body) {
    }

    /** The value of one sample line, e.g. {@code name{label="x"} 12.0}. */
    private static double value(String exposition, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        assertTrue(m.find(), "no sample " + sample);
        return Double.parseDouble(m.group(1));
    }
}
