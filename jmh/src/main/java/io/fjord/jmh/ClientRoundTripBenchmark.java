package io.fjord.jmh;

import io.fjord.client.FjordClients;
import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import io.fjord.protocol.broker.Broker;
import io.fjord.protocol.broker.BrokerConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Producer to consumer through one partition: the embedded client ({@link FjordClients}, in-process
 * on the engine) against Kafka's own {@code KafkaProducer}/{@code KafkaConsumer} talking to a Fjord
 * broker over loopback, same engine settings, same client settings.
 *
 * <p>One operation is one record: each invocation sends {@link #RECORDS_PER_INVOCATION} records,
 * flushes, and polls until the consumer has them all, so the score (records/s) covers produce,
 * append, fetch and deserialisation end to end. The consumer is an assign() consumer, no group.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class ClientRoundTripBenchmark {
    static final int RECORDS_PER_INVOCATION = 10_000;
    private static final String TOPIC = "round-trip";
    private static final Duration POLL = Duration.ofMillis(100);

    /** {@code embedded}: FjordClients on the engine; {@code wire}: Kafka's clients to a Fjord broker on loopback. */
    @Param({"embedded", "wire"})
    public String transport;

    @Param({"100", "1024"})
    public int valueBytes;

    private Path dir;
    private LogEngine engine;
    private Broker broker;
    private Producer<byte[], byte[]> producer;
    private Consumer<byte[], byte[]> consumer;
    private byte[] value;

    @Setup(Level.Trial)
    public void open() {
        dir = TempDirs.create("fjord-jmh-clients-");
        engine = LogEngine.open(EngineConfig.builder(dir)
                .retentionCheckIntervalMs(1_000) // keeps disk use near retention.bytes
                .build());
        engine.createTopic(TOPIC, 1, TopicConfig.of(Map.of(
                TopicConfig.SEGMENT_BYTES, Integer.toString(RawLogAppendBenchmark.SEGMENT_BYTES),
                TopicConfig.RETENTION_BYTES, Long.toString(RawLogAppendBenchmark.RETENTION_BYTES),
                TopicConfig.FILE_DELETE_DELAY_MS, "0")));
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "1");
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        switch (transport) {
            case "embedded" -> {
                producer = FjordClients.producer(engine, producerProps);
                consumer = FjordClients.consumer(engine, consumerProps);
            }
            case "wire" -> {
                broker = Broker.start(engine, BrokerConfig.port(0));
                producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
                consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
                producer = new KafkaProducer<>(producerProps);
                consumer = new KafkaConsumer<>(consumerProps);
            }
            default -> throw new IllegalArgumentException("transport must be embedded or wire: " + transport);
        }
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition); // resolve now, not inside the first measured poll
        value = new byte[valueBytes];
    }

    @TearDown(Level.Trial)
    public void close() {
        try {
            consumer.close();
            producer.close();
            if (broker != null) {
                broker.close();
            }
            engine.close();
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_INVOCATION)
    public int produceThenConsume() {
        for (int i = 0; i < RECORDS_PER_INVOCATION; i++) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, value));
        }
        producer.flush();
        int received = 0;
        while (received < RECORDS_PER_INVOCATION) {
            received += consumer.poll(POLL).count();
        }
        return received;
    }
}
