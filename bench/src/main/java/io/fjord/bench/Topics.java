package io.fjord.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Topic set-up through the Admin API, the same calls against both brokers. */
final class Topics {
    private static final long CREATE_TIMEOUT_SECONDS = 30;
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private static final long LEADER_POLL_MS = 20;
    /** Consumers of a primed topic read this many extra records per partition. */
    static final int PRIMING_RECORDS_PER_PARTITION = 1;
    /** Too small to hold an e2e timestamp: the e2e consumer skips records shorter than 8 bytes. */
    static final int PRIMING_RECORD_BYTES = 1;

    private Topics() {
    }

    private static void prime(String bootstrap, String topic, int partitions)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Properties props = ClientConfigs.latencyProducer(bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                acks.add(producer.send(new ProducerRecord<>(topic, partition, null, new byte[PRIMING_RECORD_BYTES])));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean allLed(Admin admin, String topic, int partitions) throws InterruptedException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            return description.partitions().size() == partitions && description.partitions().stream()
                    .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false; // metadata not propagated yet: ask again
        }
    }

    /**
     * Creates the topic, waits until every partition has a leader, then writes one priming record
     * to each partition. Why: on Kafka 4.4 (KRaft) an idempotent kafka-clients 4.4.0 producer that
     * starts right after CreateTopics got OutOfOrderSequenceException ("0 (incoming seq. number),
     * 1784 (current end sequence number)") on one partition whose log the broker was still creating,
     * and stalled until delivery.timeout.ms (3 of 3 smoke runs, 8 partitions). Waiting for leaders in
     * the metadata alone did not help; a partition that has acknowledged a write is really ready.
     */
    static void create(String bootstrap, String topic, int partitions) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CREATE_TIMEOUT_SECONDS);
            while (!allLed(admin, topic, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has partitions without a leader on " + bootstrap);
                }
                Thread.sleep(LEADER_POLL_MS);
            }
            prime(bootstrap, topic, partitions);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic + " on " + bootstrap, e);
        }
    }

    /** The partitions of the topics named {@code topicPrefix}* that have a leader in a Metadata answer. */
    static List<TopicPartition> ledPartitions(Map<String, List<PartitionInfo>> topics, String topicPrefix) {
        List<TopicPartition> led = new ArrayList<>();
        for (Map.Entry<String, List<PartitionInfo>> topic : topics.entrySet()) {
            if (topic.getKey().startsWith(topicPrefix)) {
                for (PartitionInfo partition : topic.getValue()) {
                    if (partition.leader() != null && !partition.leader().isEmpty()) {
                        led.add(new TopicPartition(topic.getKey(), partition.partition()));
                    }
                }
            }
        }
        return led;
    }

    /** All partitions of {@code topic}, waiting until the metadata lists them. */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        List<TopicPartition> partitions = new ArrayList<>(infos.size());
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }
}
