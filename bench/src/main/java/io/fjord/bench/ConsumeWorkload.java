package io.fjord.bench;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;

/**
 * Reads a topic from the start with a fresh consumer until it has seen {@code records}, {@code passes}
 * times over. One 100 MB pass takes well under a second, about 10-30 scheduler ticks of broker CPU
 * (the resolution of /proc's utime+stime); several passes make the CPU-per-GB figure a measurement
 * instead of a rounding, and spread the first pass's JIT warm-up.
 */
final class ConsumeWorkload {
    private static final Duration POLL = Duration.ofMillis(100);

    private ConsumeWorkload() {
    }

    /** @param records what the produce workload wrote (priming records are added here) */
    static Throughput run(String bootstrap, String topic, long records, int passes, Duration timeLimit) {
        long seen = 0;
        long bytes = 0;
        long elapsedNanos = 0;
        for (int pass = 0; pass < passes; pass++) {
            Throughput one = onePass(bootstrap, topic, records, timeLimit);
            seen += one.records();
            bytes += one.payloadBytes();
            elapsedNanos += one.elapsedNanos();
        }
        return new Throughput(seen, bytes, elapsedNanos);
    }

    private static Throughput onePass(String bootstrap, String topic, long records, Duration timeLimit) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ClientConfigs.consumer(bootstrap))) {
            consumer.assign(Topics.partitions(consumer, topic));
            records += (long) consumer.assignment().size() * Topics.PRIMING_RECORDS_PER_PARTITION;
            consumer.seekToBeginning(consumer.assignment());
            long start = System.nanoTime();
            long deadline = start + timeLimit.toNanos();
            long seen = 0;
            long bytes = 0;
            while (seen < records && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    bytes += record.value().length;
                }
                seen += batch.count();
            }
            long elapsed = System.nanoTime() - start;
            if (seen < records) {
                throw new IllegalStateException("consume " + topic + " on " + bootstrap + ": read " + seen
                        + " of " + records + " records in " + timeLimit);
            }
            return new Throughput(seen, bytes, elapsed);
        }
    }
}
