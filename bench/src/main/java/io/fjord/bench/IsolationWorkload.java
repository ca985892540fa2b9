package io.fjord.bench;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The flaw of issue 12 as a workload: {@code --producers} producers saturate one partition
 * (acks=1, big batches, closed loop) and a consumer group member commits an offset every
 * {@code --commit-interval-us} (commitSync in a loop), while {@link MetadataProbe}s on connections
 * of their own time Metadata round trips. A broker whose network threads wait for the writer or
 * for the offsets log shows it in the probes' tail; one that never waits answers them in
 * microseconds whatever the hot partition does.
 */
final class IsolationWorkload {
    static final String HOT_TOPIC = "iso-hot";
    static final String COMMIT_TOPIC = "iso-commit";
    static final String GROUP = "iso-group";
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    private static final long STOP_TIMEOUT_MS = 30_000;

    /** What one session measured. */
    record Result(RoundTrips metadata, RoundTrips commits, double hotMegabytesPerSecond, long produceErrors) {
    }

    private IsolationWorkload() {
    }

    static Result run(FocusOptions options, String bootstrap) throws InterruptedException {
        Topics.create(bootstrap, HOT_TOPIC, 1);
        Topics.create(bootstrap, COMMIT_TOPIC, 1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> loadError = new AtomicReference<>();
        AtomicLong ackedBytes = new AtomicLong();
        AtomicLong produceErrors = new AtomicLong();
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        Histogram commitMicros = new Histogram(HIGHEST_MICROS, 3);
        CountDownLatch joined = new CountDownLatch(1);
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < options.hotProducers(); i++) {
            load.add(new Thread(() -> produce(options, bootstrap, stop, ackedBytes, produceErrors, loadError),
                    "iso-producer-" + i));
        }
        load.add(new Thread(() -> commit(options, bootstrap, stop, measureFrom, commitMicros, joined, loadError),
                "iso-committer"));
        load.forEach(Thread::start);
        // The window opens once the member has joined: on a busy machine Kafka's first join (which
        // creates __consumer_offsets) took longer than a whole session, and measured no commit.
        if (!joined.await(JOIN_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS) || loadError.get() != null) {
            stop.set(true);
            for (Thread thread : load) {
                thread.join(STOP_TIMEOUT_MS);
            }
            throw new IllegalStateException("group " + GROUP + " did not join on " + bootstrap, loadError.get());
        }

        String[] hostPort = bootstrap.split(":");
        InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        List<MetadataProbe> probes = new ArrayList<>();
        List<Thread> probeThreads = new ArrayList<>();
        long from = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.warmUpSeconds());
        long to = from + TimeUnit.SECONDS.toNanos(options.measuredSeconds());
        for (int i = 0; i < options.probeConnections(); i++) {
            MetadataProbe probe = new MetadataProbe(address, HOT_TOPIC, options.probeIntervalMicros());
            probe.window(from, to);
            probes.add(probe);
            probeThreads.add(new Thread(probe, "iso-probe-" + i));
        }
        probeThreads.forEach(Thread::start);
        long bytesAtStart;
        try {
            LockSupport.parkNanos(from - System.nanoTime());
            measureFrom.set(from);
            bytesAtStart = ackedBytes.get();
            for (Thread probe : probeThreads) {
                probe.join(TimeUnit.NANOSECONDS.toMillis(to - System.nanoTime()) + STOP_TIMEOUT_MS);
            }
        } finally {
            stop.set(true);
            probeThreads.forEach(Thread::interrupt);
            for (Thread thread : load) {
                thread.join(STOP_TIMEOUT_MS);
            }
        }
        double seconds = (System.nanoTime() - from) / 1e9;
        double megabytesPerSecond = (ackedBytes.get() - bytesAtStart) / 1e6 / seconds;
        Histogram metadata = new Histogram(HIGHEST_MICROS, 3);
        for (MetadataProbe probe : probes) {
            if (probe.error() != null) {
                throw new IllegalStateException("Metadata probe failed on " + bootstrap, probe.error());
            }
            metadata.add(probe.histogram());
        }
        if (loadError.get() != null) {
            throw new IllegalStateException("isolation load failed on " + bootstrap, loadError.get());
        }
        return new Result(RoundTrips.of(metadata), RoundTrips.of(commitMicros), megabytesPerSecond, produceErrors.get());
    }

    private static void produce(FocusOptions options, String bootstrap, AtomicBoolean stop, AtomicLong ackedBytes,
                                AtomicLong errors, AtomicReference<Throwable> loadError) {
        Properties props = ClientConfigs.throughputProducer(bootstrap, "1");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, options.hotBatchBytes());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1 << 20, options.hotBatchBytes() + 1024));
        byte[] value = new byte[options.hotRecordBytes()];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            while (!stop.get()) {
                producer.send(new ProducerRecord<>(HOT_TOPIC, 0, null, value), (metadata, e) -> {
                    if (e == null) {
                        ackedBytes.addAndGet(value.length);
                    } else {
                        errors.incrementAndGet();
                    }
                });
            }
            producer.close(Duration.ofSeconds(10));
        } catch (Throwable t) {
            loadError.compareAndSet(null, t);
        }
    }

    /** A group member (subscribed, so it has a generation) committing a new offset each time. */
    private static void commit(FocusOptions options, String bootstrap, AtomicBoolean stop, AtomicLong measureFrom,
                               Histogram commitMicros, CountDownLatch joined, AtomicReference<Throwable> loadError) {
        Properties props = ClientConfigs.consumer(bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(COMMIT_TOPIC));
            long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
            while (consumer.assignment().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("group " + GROUP + " got no assignment in " + JOIN_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(100));
            }
            joined.countDown();
            TopicPartition partition = new TopicPartition(COMMIT_TOPIC, 0);
            long offset = 0;
            long pauseNanos = TimeUnit.MICROSECONDS.toNanos(options.commitIntervalMicros());
            while (!stop.get()) {
                long started = System.nanoTime();
                consumer.commitSync(Map.of(partition, new OffsetAndMetadata(++offset)));
                long took = System.nanoTime() - started;
                if (started - measureFrom.get() >= 0) {
                    commitMicros.recordValue(Math.min(HIGHEST_MICROS, took / 1_000));
                }
                if (pauseNanos > 0) {
                    LockSupport.parkNanos(pauseNanos);
                }
            }
        } catch (Throwable t) {
            loadError.compareAndSet(null, t);
        } finally {
            joined.countDown(); // a failed join must not keep the run waiting: loadError says why
        }
    }
}
