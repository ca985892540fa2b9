package io.fjord.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop produce at full speed: the producer's buffer is the only back-pressure, as in
 * Kafka's ProducerPerformance. Sends until {@code records} are sent or the time limit passes,
 * then flushes; throughput counts acknowledged records only.
 */
final class ProduceWorkload {
    /** One produce configuration from the matrix. */
    record Spec(int recordBytes, int partitions, String acks) {
        String label() {
            return "produce " + BenchOptions.sizeLabel(recordBytes) + ", " + partitions + " p, acks=" + acks;
        }

        String topic() {
            return "produce-" + recordBytes + "b-" + partitions + "p-acks" + acks;
        }
    }

    private ProduceWorkload() {
    }

    static Throughput run(String bootstrap, Spec spec, String compression, long records, Duration timeLimit) {
        // The producer copies the value into its batch on send(), so one array serves every record.
        byte[] value = new byte[spec.recordBytes()];
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(ClientConfigs.throughputProducer(bootstrap, spec.acks(), compression))) {
            // Fetch metadata before the clock starts: both brokers pay it, but it is not throughput.
            producer.partitionsFor(spec.topic());
            long start = System.nanoTime();
            long deadline = start + timeLimit.toNanos();
            for (long i = 0; i < records && firstError.get() == null; i++) {
                if ((i & 1023) == 0 && System.nanoTime() > deadline) {
                    break;
                }
                producer.send(new ProducerRecord<>(spec.topic(), value), (metadata, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    } else {
                        firstError.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
            long elapsed = System.nanoTime() - start;
            if (firstError.get() != null) {
                throw new IllegalStateException(spec.label() + " failed on " + bootstrap, firstError.get());
            }
            return new Throughput(acked.get(), acked.get() * spec.recordBytes(), elapsed);
        }
    }
}
