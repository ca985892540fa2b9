package io.fjord.client;

import io.fjord.testsupport.Waits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.group.GroupConfig;
import io.fjord.protocol.broker.Broker;
import io.fjord.protocol.broker.BrokerConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An embedded consumer and a KafkaConsumer over the broker share one group: same coordinator, same encoding. */
class MixedGroupTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void embeddedAndWireConsumersSplitTheTopic() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineConfig.builder(dir)
                .groupConfig(GroupConfig.defaults().withInitialRebalanceDelayMs(0)).build());
             Broker broker = Broker.start(engine, BrokerConfig.port(0))) {
            engine.createTopic("t", 2);
            for (int i = 0; i < 10; i++) {
                engine.partition("t", i % 2).append(null, ("v" + i).getBytes(), 1000L + i);
            }
            Properties props = new Properties();
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "mixed");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "200");
            Properties wire = new Properties();
            wire.putAll(props);
            wire.put("bootstrap.servers", broker.bootstrap());

            Set<String> consumed = ConcurrentHashMap.newKeySet();
            ConcurrentHashMap<String, Set<TopicPartition>> assignments = new ConcurrentHashMap<>();
            // The assignments while both are members: once one consumer stops and leaves, the other is
            // handed both partitions, so the state after stopping says nothing about the split.
            Map<String, Set<TopicPartition>> split = null;
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<?> a = threads.submit(() -> run("embedded", FjordClients.consumer(engine, props), consumed,
                        assignments, stop));
                Future<?> b = threads.submit(() -> run("wire", new KafkaConsumer<String, String>(wire), consumed,
                        assignments, stop));
                Waits.Deadline deadline = Waits.deadline(Duration.ofSeconds(120));
                while (!deadline.passed()) {
                    Map<String, Set<TopicPartition>> snapshot = Map.copyOf(assignments);
                    if (consumed.size() == 10 && splitBetweenBoth(snapshot)) {
                        split = snapshot;
                        break;
                    }
                    Thread.sleep(50);
                }
                stop.set(true);
                a.get(30, TimeUnit.SECONDS);
                b.get(30, TimeUnit.SECONDS);
            } finally {
                stop.set(true);
                threads.shutdownNow();
                threads.awaitTermination(30, TimeUnit.SECONDS);
            }
            assertEquals(10, consumed.size());
            assertNotNull(split, "the consumers never held one partition each; last seen: " + assignments);
            assertEquals(1, split.get("embedded").size());
            assertEquals(1, split.get("wire").size());
            assertNotEquals(split.get("embedded"), split.get("wire"));
        }
    }

    private static boolean splitBetweenBoth(Map<String, Set<TopicPartition>> assignments) {
        Set<TopicPartition> e = assignments.get("embedded");
        Set<TopicPartition> w = assignments.get("wire");
        return e != null && w != null && e.size() == 1 && w.size() == 1 && !e.equals(w);
    }

    private static Void run(String name, Consumer<String, String> consumer, Set<String> consumed,
                            ConcurrentHashMap<String, Set<TopicPartition>> assignments, AtomicBoolean stop) {
        try (consumer) {
            consumer.subscribe(List.of("t"));
            while (!stop.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    consumed.add(r.value());
                }
                assignments.put(name, Set.copyOf(consumer.assignment()));
            }
        }
        return null;
    }
}
