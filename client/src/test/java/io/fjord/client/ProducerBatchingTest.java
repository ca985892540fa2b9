package io.fjord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.fjord.log.LogEngine;
import io.fjord.log.LogReader;
import io.fjord.log.TopicConfig;
import io.fjord.log.record.RecordBatchDescriptor;
import io.fjord.testsupport.TestSeeds;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer's adaptive batching: offsets and callback order under concurrent senders, flush
 * with batches still open, failures confined to their batch, and the buffer.memory bound.
 *
 * <p>Deterministic tests hold batches open with a gate: a send whose callback blocks the
 * producer's one callback thread. Completions queue behind it, and since the next batch of a
 * partition is handed to the engine by its predecessor's completion task, records sent meanwhile
 * stay in their partition's open batch until the gate opens.
 */
@Timeout(60)
class ProducerBatchingTest {
    @TempDir
    Path dir;
    private LogEngine engine;
    private final CountDownLatch gateEntered = new CountDownLatch(1);
    private final CountDownLatch gateRelease = new CountDownLatch(1);

    @BeforeEach
    void open() {
        engine = LogEngine.open(dir);
        engine.createTopic("gate", 1);
    }

    private final List<Producer<String, String>> producers = new ArrayList<>();

    @AfterEach
    void close() {
        gateRelease.countDown(); // first: a producer's close waits for its blocked callback thread
        for (Producer<String, String> producer : producers) {
            producer.close();
        }
        engine.close();
    }

    private Producer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        Producer<String, String> producer = FjordClients.producer(engine, config);
        producers.add(producer);
        return producer;
    }

    /** Blocks the producer's callback thread until {@link #gateRelease}; returns once it is blocked. */
    private void closeGate(Producer<String, String> producer) throws InterruptedException {
        producer.send(new ProducerRecord<>("gate", "gate"), (metadata, error) -> {
            gateEntered.countDown();
            try {
                gateRelease.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(gateEntered.await(30, TimeUnit.SECONDS));
    }

    @Test
    void concurrentSendersGetOffsetsInSendOrderAndCallbacksInOffsetOrder() throws Exception {
        long seed = TestSeeds.seed();
        Random seeds = new Random(seed);
        int partitions = 4;
        int threads = 4;
        int recordsPerThread = 3_000;
        engine.createTopic("t", partitions);
        List<List<Long>> callbackOffsets = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            callbackOffsets.add(new ArrayList<>()); // appended on the one callback thread only
        }
        @SuppressWarnings("unchecked")
        List<Future<RecordMetadata>>[] futures = new List[threads];
        int[][] partitionOf = new int[threads][recordsPerThread];
        Producer<String, String> producer = producer(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 2_048));
        List<Thread> senders = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Random random = new Random(seeds.nextLong());
            futures[t] = new ArrayList<>(recordsPerThread);
            Thread sender = new Thread(() -> {
                for (int i = 0; i < recordsPerThread; i++) {
                    int partition = random.nextInt(partitions);
                    partitionOf[thread][i] = partition;
                    String value = thread + ":" + i + ":" + "x".repeat(random.nextInt(200));
                    futures[thread].add(producer.send(new ProducerRecord<>("t", partition, null, value),
                            (metadata, error) -> {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                } else {
                                    callbackOffsets.get(metadata.partition()).add(metadata.offset());
                                }
                            }));
                }
            }, "sender-" + t);
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        producer.flush();
        assertNull(failure.get(), "seed " + seed);
        long[] lastOffset = new long[partitions * threads];
        java.util.Arrays.fill(lastOffset, -1);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < recordsPerThread; i++) {
                Future<RecordMetadata> future = futures[t].get(i);
                assertTrue(future.isDone(), "flush returned before send " + t + ":" + i + ", seed " + seed);
                RecordMetadata metadata = future.get();
                int partition = partitionOf[t][i];
                assertEquals(partition, metadata.partition());
                int slot = partition * threads + t;
                assertTrue(metadata.offset() > lastOffset[slot],
                        "thread " + t + " send " + i + " went before an earlier send, seed " + seed);
                lastOffset[slot] = metadata.offset();
                assertEquals(t + ":" + i, valueAt(partition, metadata.offset()).substring(0,
                        (t + ":" + i).length()), "seed " + seed);
            }
        }
        long total = 0;
        for (int p = 0; p < partitions; p++) {
            List<Long> offsets = callbackOffsets.get(p);
            for (int i = 0; i < offsets.size(); i++) {
                assertEquals(i, offsets.get(i), "callbacks of partition " + p + " out of offset order, seed " + seed);
            }
            assertEquals(engine.partition("t", p).latestOffset(), offsets.size());
            total += offsets.size();
        }
        assertEquals((long) threads * recordsPerThread, total);
    }

    private String valueAt(int partition, long offset) {
        try (LogReader reader = engine.partition("t", partition).reader(offset)) {
            String[] value = new String[1];
            reader.poll(cursor -> value[0] = new String(cursor.valueBytes(), java.nio.charset.StandardCharsets.UTF_8), 1);
            return value[0];
        }
    }

    @Test
    void flushSendsOpenBatchesAndRecordsShareBatches() throws Exception {
        engine.createTopic("t", 1);
        int records = 100;
        Producer<String, String> producer = producer(Map.of());
        closeGate(producer);
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            futures.add(producer.send(new ProducerRecord<>("t", "v" + i)));
        }
        // The first went alone; the rest wait in one open batch behind the gate.
        CompletableFuture<Void> flushed = CompletableFuture.runAsync(producer::flush);
        assertTrue(!flushed.isDone());
        gateRelease.countDown();
        flushed.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < records; i++) {
            assertTrue(futures.get(i).isDone());
            assertEquals(i, futures.get(i).get().offset());
        }
        // Two batches (1 + 99 records), not 100: far below one batch header per record.
        long bytes = engine.partition("t", 0).sizeBytes();
        assertTrue(bytes < 3L * RecordBatchDescriptor.HEADER_SIZE + records * 20L, "log holds " + bytes + " bytes");
    }

    @Test
    void oversizedRecordFailsAloneWhileItsNeighboursAndOtherPartitionsSucceed() throws Exception {
        engine.createTopic("small", 2, TopicConfig.of(Map.of(TopicConfig.MAX_MESSAGE_BYTES, "1024")));
        Producer<String, String> producer = producer(Map.of());
        closeGate(producer);
        List<Future<RecordMetadata>> ok = new ArrayList<>();
        ok.add(producer.send(new ProducerRecord<>("small", 0, null, "first"))); // goes alone, at once
        // Each fits max.message.bytes alone; batched together they would not.
        for (int i = 0; i < 6; i++) {
            ok.add(producer.send(new ProducerRecord<>("small", 0, null, "y".repeat(600))));
        }
        Future<RecordMetadata> tooLarge = producer.send(new ProducerRecord<>("small", 0, null, "z".repeat(2_000)));
        ok.add(producer.send(new ProducerRecord<>("small", 0, null, "after")));
        Future<RecordMetadata> other = producer.send(new ProducerRecord<>("small", 1, null, "other"));
        gateRelease.countDown();
        producer.flush();
        ExecutionException e = assertThrows(ExecutionException.class, tooLarge::get);
        assertInstanceOf(RecordTooLargeException.class, e.getCause());
        for (int i = 0; i < ok.size(); i++) {
            assertEquals(i, ok.get(i).get().offset());
        }
        assertEquals(0, other.get().offset());
    }

    @Test
    void deletedTopicFailsItsBatchWithTheMappedErrorWhileOtherTopicsContinue() throws Exception {
        engine.createTopic("doomed", 1);
        engine.createTopic("kept", 1);
        Producer<String, String> producer = producer(Map.of(ClientConfig.AUTO_CREATE_TOPICS, false));
        closeGate(producer);
        Future<RecordMetadata> first = producer.send(new ProducerRecord<>("doomed", "first"));
        List<Future<RecordMetadata>> doomed = new ArrayList<>();
        List<Future<RecordMetadata>> kept = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            doomed.add(producer.send(new ProducerRecord<>("doomed", "d" + i)));
            kept.add(producer.send(new ProducerRecord<>("kept", "k" + i)));
        }
        while (engine.partition("doomed", 0).latestOffset() < 1) {
            Thread.onSpinWait(); // "first" went alone: let it land before the topic goes
        }
        engine.deleteTopic("doomed");
        gateRelease.countDown();
        producer.flush();
        assertEquals(0, first.get().offset());
        for (Future<RecordMetadata> f : doomed) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
        }
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(i, kept.get(i).get().offset());
        }
    }

    @Test
    void fullBufferMemoryFailsTheSendAfterMaxBlockMs() throws Exception {
        engine.createTopic("t", 1);
        Producer<String, String> producer = producer(Map.of(
                ProducerConfig.BUFFER_MEMORY_CONFIG, 4_096, ProducerConfig.MAX_BLOCK_MS_CONFIG, 50));
        closeGate(producer);
        // ~540 bytes each: 4 KiB holds 7. Nothing is freed while the gate holds the callbacks,
        // so every send after those waits 50 ms and fails.
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(producer.send(new ProducerRecord<>("t", "x".repeat(500))));
        }
        // Larger than all of buffer.memory: refused at once, as Kafka does.
        Future<RecordMetadata> huge = producer.send(new ProducerRecord<>("t", "x".repeat(5_000)));
        gateRelease.countDown();
        producer.flush();
        int accepted = 0;
        while (accepted < sent.size() && !isFailed(sent.get(accepted))) {
            assertEquals(accepted, sent.get(accepted).get().offset());
            accepted++;
        }
        assertTrue(accepted >= 1 && accepted < sent.size(), accepted + " of " + sent.size() + " accepted");
        for (int i = accepted; i < sent.size(); i++) {
            ExecutionException e = assertThrows(ExecutionException.class, sent.get(i)::get);
            assertInstanceOf(BufferExhaustedException.class, e.getCause());
        }
        ExecutionException e = assertThrows(ExecutionException.class, huge::get);
        assertInstanceOf(RecordTooLargeException.class, e.getCause());
    }

    private static boolean isFailed(Future<RecordMetadata> f) {
        return ((CompletableFuture<RecordMetadata>) f).isCompletedExceptionally();
    }

    @Test
    void fullBufferMemoryBlocksTheSenderUntilCompletionsFreeIt() throws Exception {
        engine.createTopic("t", 1);
        Producer<String, String> producer = producer(Map.of(
            ProducerConfig.BUFFER_MEMORY_CONFIG, 4_096, ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000));
        closeGate(producer);
        CompletableFuture<List<Future<RecordMetadata>>> sending = new CompletableFuture<>();
        Thread sender = new Thread(() -> {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) { // 20 x ~540 bytes: more than 4 KiB
                sent.add(producer.send(new ProducerRecord<>("t", "x".repeat(500))));
            }
            sending.complete(sent);
        }, "blocked-sender");
        sender.start();
        while (sender.getState() != Thread.State.TIMED_WAITING && !sending.isDone()) {
            Thread.onSpinWait(); // until the sender parks in send(), waiting for memory
        }
        assertTrue(!sending.isDone(), "20 records fit 4 KiB of buffer.memory");
        gateRelease.countDown();
        List<Future<RecordMetadata>> sent = sending.get(30, TimeUnit.SECONDS);
        producer.flush();
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(i, sent.get(i).get().offset());
        }
    }

    @Test
    void closeThatTimesOutFailsBatchesNotYetSent() throws Exception {
        engine.createTopic("t", 1);
        Producer<String, String> producer = producer(Map.of());
        closeGate(producer);
        Future<RecordMetadata> first = producer.send(new ProducerRecord<>("t", "first"));
        List<Future<RecordMetadata>> open = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            open.add(producer.send(new ProducerRecord<>("t", "v" + i)));
        }
        producer.close(Duration.ofMillis(50)); // gives up: the gate holds every completion
        gateRelease.countDown();
        assertEquals(0, first.get(30, TimeUnit.SECONDS).offset());
        for (Future<RecordMetadata> f : open) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertInstanceOf(KafkaException.class, e.getCause());
        }
        assertEquals(1, engine.partition("t", 0).latestOffset());
    }
}
