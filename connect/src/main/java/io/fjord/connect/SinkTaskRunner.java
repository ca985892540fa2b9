package io.fjord.connect;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one {@link SinkTask} on a consumer in group {@code connect-<connector>}: poll, convert,
 * {@code put}; every {@code offset.flush.interval.ms}, when the task asks, before partitions are
 * revoked and when stopping, ask the task what it has flushed ({@code preCommit}, which by default
 * calls {@code flush}) and commit exactly that to the group. Everything, including the rebalance
 * callbacks, runs on the task thread.
 */
final class SinkTaskRunner extends TaskThread {
    private final SinkTask task;
    private final Map<String, String> taskConfig;
    private final List<String> topics;
    private final Converters converters;
    private final Consumer<byte[], byte[]> consumer;
    private final PluginMetrics metrics;
    private final long commitIntervalMs;
    private final Duration pollTimeout;
    private final Duration commitTimeout;
    /** Next offset to commit per assigned partition: one past the last record handed to {@code put}. */
    private final Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
    private final Map<TopicPartition, Long> requestedSeeks = new HashMap<>();
    private boolean commitRequested;
    /** Set once the final commit closed every partition: the revocation that closing the consumer fires is a no-op. */
    private boolean partitionsClosed;

    SinkTaskRunner(TaskId id, SinkTask task, Map<String, String> taskConfig, List<String> topics,
                   Converters converters, Consumer<byte[], byte[]> consumer, PluginMetrics metrics,
                   WorkerConfig worker) {
        super(id, "sink");
        this.task = task;
        this.taskConfig = taskConfig;
        this.topics = topics;
        this.converters = converters;
        this.consumer = consumer;
        this.metrics = metrics;
        this.commitIntervalMs = worker.offsetFlushIntervalMs();
        this.pollTimeout = Duration.ofMillis(worker.sinkPollTimeoutMs());
        this.commitTimeout = Duration.ofMillis(worker.offsetFlushTimeoutMs());
    }

    /** Connect's consumer group of a sink connector, as Kafka names it. */
    static String groupId(String connector) {
        return "connect-" + connector;
    }

    @Override
    protected void wakeUp() {
        consumer.wakeup();
    }

    @Override
    protected void execute() throws Exception {
        try {
            task.initialize(new Context());
            task.start(taskConfig);
            consumer.subscribe(topics, new Rebalance());
            long nextCommitNs = System.nanoTime() + commitIntervalMs * 1_000_000L;
            while (!stopping()) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(pollTimeout);
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    continue; // the stop flag is checked at the top
                }
                deliver(records);
                applySeeks();
                if (commitRequested || System.nanoTime() - nextCommitNs >= 0) {
                    commit(consumed.keySet());
                    commitRequested = false;
                    nextCommitNs = System.nanoTime() + commitIntervalMs * 1_000_000L;
                }
            }
            Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
            commit(assigned);
            partitionsClosed = true;
            task.close(assigned);
        } finally {
            try {
                task.stop();
            } finally {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(commitTimeout));
                converters.close();
            }
        }
    }

    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        List<SinkRecord> sinkRecords = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            sinkRecords.add(convert(record));
        }
        // Kafka calls put also with no records, so a task can flush on time even when idle.
        task.put(sinkRecords);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            consumed.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
    }

    private SinkRecord convert(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        SchemaAndValue key = converters.key().toConnectData(topic, record.headers(), record.key());
        SchemaAndValue value = converters.value().toConnectData(topic, record.headers(), record.value());
        ConnectHeaders headers = new ConnectHeaders();
        for (org.apache.kafka.common.header.Header header : record.headers()) {
            SchemaAndValue converted = converters.header().toConnectHeader(topic, header.key(), header.value());
            headers.add(header.key(), converted);
        }
        return new SinkRecord(topic, record.partition(), key.schema(), key.value(), value.schema(), value.value(),
                record.offset(), record.timestamp(), record.timestampType(), headers);
    }

    private void applySeeks() {
        if (requestedSeeks.isEmpty()) {
            return;
        }
        requestedSeeks.forEach((partition, offset) -> {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, offset);
                consumed.put(partition, new OffsetAndMetadata(offset));
            }
        });
        requestedSeeks.clear();
    }

    /** Commits what the task says it has flushed for {@code partitions}. */
    private void commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = consumed.get(partition);
            if (offset != null) {
                current.put(partition, offset);
            }
        }
        if (current.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> flushed = task.preCommit(new HashMap<>(current));
        if (flushed == null || flushed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>(flushed);
        toCommit.keySet().retainAll(current.keySet());
        try {
            consumer.commitSync(toCommit, commitTimeout);
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // The stop request's wakeup hit the commit instead of a poll; it fires once, so commit again.
            consumer.commitSync(toCommit, commitTimeout);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || partitionsClosed) {
                return;
            }
            commit(partitions);
            task.close(partitions);
            partitions.forEach(consumed::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                task.open(partitions);
            }
        }
    }

    private final class Context implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return taskConfig;
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
            requestedSeeks.putAll(offsets);
        }

        @Override
        public void offset(TopicPartition partition, long offset) {
            requestedSeeks.put(partition, offset);
        }

        @Override
        public void timeout(long timeoutMs) {
            // Retrying put() after a RetriableException is not implemented: the task fails instead.
        }

        @Override
        public Set<TopicPartition> assignment() {
            return consumer.assignment();
        }

        @Override
        public void pause(TopicPartition... partitions) {
            consumer.pause(List.of(partitions));
        }

        @Override
        public void resume(TopicPartition... partitions) {
            consumer.resume(List.of(partitions));
        }

        @Override
        public void requestCommit() {
            commitRequested = true;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return metrics;
        }
    }
}
