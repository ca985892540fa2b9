package io.fjord.bench;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop end-to-end latency: records are sent on a fixed schedule and each carries its
 * <em>intended</em> send time (System.nanoTime, same JVM as the consumer). Latency is receive
 * time minus intended time, so a stall anywhere (client, broker, GC) is charged to every record
 * that should have been sent during it: corrected for coordinated omission by construction.
 */
final class EndToEndLatencyWorkload {
    /** Latencies above a minute are recorded as a minute; nothing sane is near it. */
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long the consumer may lag behind the last send before the rest counts as lost. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Below this the pacer spins instead of parking: parkNanos overshoots by ~50-100 us. */
    private static final long SPIN_BELOW_NANOS = 20_000;

    private EndToEndLatencyWorkload() {
    }

    /** @param producerConfig {@link ClientConfigs#latencyProducer} or, near max rate, the throughput one */
    static Latency run(Properties producerConfig, String bootstrap, String topic, int recordBytes,
                       double recordsPerSecond, Duration warmup, Duration measured) throws InterruptedException {
        long intervalNanos = Math.max(1, (long) (1e9 / recordsPerSecond));
        Receiver receiver = new Receiver(bootstrap, topic);
        Thread consumerThread = new Thread(receiver, "e2e-consumer");
        long sent = 0;
        long retries = -1;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            producer.partitionsFor(topic);
            consumerThread.start();
            if (!receiver.ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("e2e consumer not ready on " + bootstrap);
            }
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + measured.toNanos();
            receiver.measureFromNanos.set(measureFrom);
            for (long intended = start; intended < end && receiver.error.get() == null; intended += intervalNanos) {
                awaitNanoTime(intended);
                byte[] value = new byte[recordBytes];
                ByteBuffer.wrap(value).putLong(0, intended);
                producer.send(new ProducerRecord<>(topic, value));
                sent++;
            }
            producer.flush();
            retries = (long) producerMetric(producer, "record-retry-total");
        } finally {
            receiver.totalSent.set(sent);
            consumerThread.join(TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS) + 30_000);
            if (consumerThread.isAlive()) {
                consumerThread.interrupt();
                consumerThread.join();
            }
        }
        if (receiver.error.get() != null) {
            throw new IllegalStateException("e2e consumer failed on " + bootstrap, receiver.error.get());
        }
        return Latency.of(receiver.histogram, sent - receiver.received, receiver.duplicates, retries, receiver.outOfRange,
                receiver.fetches, receiver.fetchLatencyMaxMs);
    }

    private static double producerMetric(KafkaProducer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> metric : producer.metrics().entrySet()) {
            if (metric.getKey().name().equals(name) && metric.getKey().group().equals("producer-metrics")) {
                return ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return -1;
    }

    /** The consumer side; its histogram and count are read only after its thread has ended. */
    private static final class Receiver implements Runnable {
        final Histogram histogram = new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
        final CountDownLatch ready = new CountDownLatch(1);
        final AtomicLong measureFromNanos = new AtomicLong(Long.MAX_VALUE);
        /** -1 while sending; then the number sent, so the receiver knows when it has everything. */
        final AtomicLong totalSent = new AtomicLong(-1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        private final String bootstrap;
        private final String topic;
        long received;
        long duplicates;
        long outOfRange;
        /** Fetch requests the consumer sent (its fetch-total metric), -1 when it has none. */
        long fetches = -1;
        /**
         * The slowest fetch of the consumer's last metrics window (30 s by default), in ms: with
         * records arriving every 200 us, a fetch that took fetch.max.wait.ms was not woken by them.
         */
        double fetchLatencyMaxMs = Double.NaN;
        private long lastIntended = Long.MIN_VALUE;

        Receiver(String bootstrap, String topic) {
            this.bootstrap = bootstrap;
            this.topic = topic;
        }

        @Override
        public void run() {
            Properties props = ClientConfigs.consumer(bootstrap);
            // "none": a tail fetch answered OFFSET_OUT_OF_RANGE must show up, not silently rewind to
            // offset 0 and redeliver everything (seen as "records delivered twice" in a full run).
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                try {
                    receive(consumer);
                } finally {
                    fetches = (long) consumerMetric(consumer, "fetch-total");
                    fetchLatencyMaxMs = consumerMetric(consumer, "fetch-latency-max");
                }
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            } finally {
                ready.countDown();
            }
        }

        private void receive(KafkaConsumer<byte[], byte[]> consumer) {
            {
                consumer.assign(Topics.partitions(consumer, topic));
                consumer.seekToBeginning(consumer.assignment());
                consumer.assignment().forEach(consumer::position); // resolve offsets before the clock starts
                ready.countDown();
                long drainDeadline = Long.MAX_VALUE;
                while (!Thread.currentThread().isInterrupted()) {
                    long total = totalSent.get();
                    if (total >= 0) {
                        if (received >= total) {
                            return;
                        }
                        if (drainDeadline == Long.MAX_VALUE) {
                            drainDeadline = System.nanoTime() + DRAIN_NANOS;
                        } else if (System.nanoTime() > drainDeadline) {
                            return;
                        }
                    }
                    long measureFrom = measureFromNanos.get();
                    ConsumerRecords<byte[], byte[]> records;
                    try {
                        records = consumer.poll(POLL);
                    } catch (OffsetOutOfRangeException e) {
                        outOfRange++;
                        e.offsetOutOfRangePartitions().forEach((partition, offset) -> consumer.seek(partition, offset));
                        continue; // retry the same offset: the broker said it is out of range, not gone
                    }
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        if (record.value().length < Long.BYTES) {
                            continue; // a priming record from Topics.create, not one we sent
                        }
                        long now = System.nanoTime();
                        long intended = ByteBuffer.wrap(record.value()).getLong(0);
                        if (intended <= lastIntended) {
                            // Intended times rise strictly on the one partition: this record was
                            // delivered before. Count it; its first delivery already has a latency.
                            duplicates++;
                            continue;
                        }
                        lastIntended = intended;
                        if (intended >= measureFrom) {
                            histogram.recordValue(Math.min(HIGHEST_MICROS, (now - intended) / 1_000));
                        }
                        received++;
                    }
                }
            }
        }
    }

    private static double consumerMetric(KafkaConsumer<?, ?> consumer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> metric : consumer.metrics().entrySet()) {
            if (metric.getKey().name().equals(name) && metric.getKey().group().equals("consumer-fetch-manager-metrics")
                    && metric.getKey().tags().size() == 1) { // the client-wide one, not per topic
                return ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return -1;
    }

    /** Waits until System.nanoTime() reaches {@code deadline}; returns at once when already late. */
    private static void awaitNanoTime(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            if (remaining > SPIN_BELOW_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_BELOW_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
