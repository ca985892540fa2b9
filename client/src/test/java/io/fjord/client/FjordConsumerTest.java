package io.fjord.client;

import io.fjord.testsupport.Waits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.group.GroupConfig;
import io.fjord.log.record.RecordHeader;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FjordConsumerTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @TempDir
    Path dir;
    private LogEngine engine;

    @BeforeEach
    void open() {
        engine = LogEngine.open(EngineConfig.builder(dir)
                .groupConfig(GroupConfig.defaults().withInitialRebalanceDelayMs(0)).build());
        engine.createTopic("t", 2);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private Consumer<String, String> consumer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putAll(extra);
        return FjordClients.consumer(engine, config);
    }

    private void append(int partition, int count) {
        for (int i = 0; i < count; i++) {
            engine.partition("t", partition).append(("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8), 1000L + i,
                    new RecordHeader("h", ("x" + i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void assignedPollReturnsRecordsWithEveryFieldBoundedByMaxPollRecords() {
        append(0, 5);
        try (Consumer<String, String> consumer = consumer(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 3))) {
            consumer.assign(List.of(P0));
            ConsumerRecords<String, String> first = consumer.poll(Duration.ofSeconds(5));
            assertEquals(3, first.count());
            ConsumerRecord<String, String> r = first.records(P0).get(1);
            assertEquals("t", r.topic());
            assertEquals(0, r.partition());
            assertEquals(1, r.offset());
            assertEquals(1001L, r.timestamp());
            assertEquals("k1", r.key());
            assertEquals("v1", r.value());
            assertEquals("x1", new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8));
            assertEquals(new OffsetAndMetadata(3), first.nextOffsets().get(P0));
            assertEquals(2, consumer.poll(Duration.ofSeconds(5)).count());
            assertEquals(5, consumer.position(P0));
        }
    }

    @Test
    void pollWaitsForDataAppendedLater() throws Exception {
        try (Consumer<String, String> consumer = consumer(Map.of())) {
            consumer.assign(List.of(P0));
            assertEquals(0, consumer.position(P0));
            // The append happens only once poll is waiting for data, so the test exercises the wake-up.
            Thread appender = new Thread(() -> {
                awaitWaitingPoll(consumer);
                append(0, 1);
            });
            appender.start();
            // No timeout returns this poll: only the append can (a lost wake-up fails the join below).
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofDays(1));
            appender.join();
            assertEquals(1, records.count());
        }
    }

    @Test
    void seekPauseResumeAndOffsetQueries() {
        append(0, 4);
        append(1, 2);
        try (Consumer<String, String> consumer = consumer(Map.of())) {
            consumer.assign(List.of(P0, P1));
            consumer.seekToEnd(List.of(P0));
            assertEquals(4, consumer.position(P0));
            consumer.seek(P0, 2);
            consumer.pause(List.of(P1));
            assertEquals(Set.of(P1), consumer.paused());
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(5));
            assertEquals(Set.of(P0), records.partitions());
            assertEquals(2, records.records(P0).get(0).offset());
            consumer.resume(List.of(P1));
            assertEquals(2, consumer.poll(Duration.ofSeconds(5)).records(P1).size());
            consumer.seekToBeginning(List.of(P1));
            assertEquals(0, consumer.position(P1));
            assertEquals(Map.of(P0, 0L, P1, 0L), consumer.beginningOffsets(List.of(P0, P1)));
            assertEquals(Map.of(P0, 4L, P1, 2L), consumer.endOffsets(List.of(P0, P1)));
            Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(Map.of(P0, 1002L, P1, 9999L));
            assertEquals(new OffsetAndTimestamp(2, 1002L), byTime.get(P0));
            assertNull(byTime.get(P1));
        }
    }

    @Test
    void offsetResetPolicies() {
        append(0, 3);
        try (Consumer<String, String> latest = consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"))) {
            latest.assign(List.of(P0));
            assertEquals(3, latest.position(P0));
        }
        try (Consumer<String, String> none = consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            none.assign(List.of(P0));
            assertThrows(NoOffsetForPartitionException.class, () -> none.poll(Duration.ofMillis(10)));
        }
    }

    @Test
    void assignConsumerCommitsAndANewConsumerResumesThere() {
        append(0, 5);
        Map<String, Object> group = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (Consumer<String, String> consumer = consumer(group)) {
            consumer.assign(List.of(P0));
            consumer.seek(P0, 3);
            consumer.commitSync();
            assertEquals(3, consumer.committed(Set.of(P0)).get(P0).offset());
            CompletableFuture<Exception> async = new CompletableFuture<>();
            consumer.commitAsync(Map.of(P0, new OffsetAndMetadata(4, "meta")), (offsets, e) -> async.complete(e));
            assertTrue(!async.isDone(), "callbacks wait for the next poll, as in Kafka");
            consumer.poll(Duration.ZERO);
            assertNull(async.join());
            assertEquals(new OffsetAndMetadata(4, "meta"), consumer.committed(Set.of(P0)).get(P0));
        }
        try (Consumer<String, String> next = consumer(group)) {
            next.assign(List.of(P0));
            assertEquals(4, next.poll(Duration.ofSeconds(5)).records(P0).get(0).offset());
        }
    }

    @Test
    void wakeupInterruptsAWaitingPoll() throws Exception {
        try (Consumer<String, String> consumer = consumer(Map.of())) {
            consumer.assign(List.of(P0));
            // wakeup() before poll would also throw; waking a poll that waits is what this test is about.
            Thread waker = new Thread(() -> {
                awaitWaitingPoll(consumer);
                consumer.wakeup();
            });
            waker.start();
            assertThrows(WakeupException.class, () -> consumer.poll(Duration.ofDays(1)));
            waker.join();
            assertEquals(0, consumer.poll(Duration.ZERO).count(), "one wakeup, one exception");
        }
    }

    @Test
    void subscribedConsumerGetsEveryPartitionAndListenerCallbacks() throws Exception {
        append(0, 2);
        append(1, 3);
        List<String> events = new ArrayList<>();
        Map<String, Object> config = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "solo",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
        try (Consumer<String, String> consumer = consumer(config)) {
            consumer.subscribe(List.of("t"), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    events.add("revoked " + partitions.size());
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    events.add("assigned " + partitions.size());
                }
            });
            int[] total = {0};
            Waits.repeatUntil(Duration.ofSeconds(60), () -> (total[0] += consumer.poll(Duration.ofMillis(200)).count()) >= 5,
                    () -> "5 records through the group, got " + total[0]);
            assertEquals(5, total[0]);
            assertEquals(Set.of(P0, P1), consumer.assignment());
            assertTrue(consumer.groupMetadata().generationId() > 0);
            consumer.commitSync();
            assertEquals(3, consumer.committed(Set.of(P1)).get(P1).offset());
        }
        assertEquals(List.of("assigned 2", "revoked 2"), events);
    }

    @Test
    void unsupportedMethodsSaySo() {
        try (Consumer<String, String> consumer = consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g"))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> consumer.subscribe(Pattern.compile("t.*")));
            assertTrue(e.getMessage().contains("subscribe(Pattern)"), e.getMessage());
        }
    }

    /** Returns once {@code consumer}'s poll waits for data (the latch the wake-up tests need). */
    private static void awaitWaitingPoll(Consumer<String, String> consumer) {
        try {
            Waits.waitUntil(Duration.ofSeconds(60), ((FjordConsumer<String, String>) consumer)::isWaitingForData,
                    () -> "poll waiting for data");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

}
