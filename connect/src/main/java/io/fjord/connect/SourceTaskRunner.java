package io.fjord.connect;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one {@link SourceTask}: poll, convert, send; every {@code offset.flush.interval.ms} (and
 * when stopping) drain the producer and only then store the source offsets of what was polled, so
 * every stored offset belongs to a record the topic has. A restart resumes after the last stored
 * offset: records sent after it may repeat after a crash (at least once), never after a clean stop.
 * The commit runs on the task thread between polls, so no lock guards the pending offsets.
 */
final class SourceTaskRunner extends TaskThread {
    private final SourceTask task;
    private final Map<String, String> taskConfig;
    private final Converters converters;
    private final Producer<byte[], byte[]> producer;
    private final SourceOffsetStore offsetStore;
    private final OffsetStorageReader offsetReader;
    private final PluginMetrics metrics;
    private final long commitIntervalMs;
    private final long flushTimeoutMs;
    /** Offsets of records sent since the last commit, latest per source partition. */
    private final Map<Map<String, Object>, Map<String, Object>> pendingOffsets = new LinkedHashMap<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    SourceTaskRunner(TaskId id, SourceTask task, Map<String, String> taskConfig, Converters converters,
                     Producer<byte[], byte[]> producer, SourceOffsetStore offsetStore, PluginMetrics metrics,
                     WorkerConfig worker) {
        super(id, "source");
        this.task = task;
        this.taskConfig = taskConfig;
        this.converters = converters;
        this.producer = producer;
        this.offsetStore = offsetStore;
        this.offsetReader = new TaskOffsetReader(offsetStore, id.connector());
        this.metrics = metrics;
        this.commitIntervalMs = worker.offsetFlushIntervalMs();
        this.flushTimeoutMs = worker.offsetFlushTimeoutMs();
    }

    @Override
    protected void execute() throws Exception {
        try {
            task.initialize(new Context());
            task.start(taskConfig);
            long nextCommitNs = System.nanoTime() + commitIntervalMs * 1_000_000L;
            while (!stopping()) {
                List<SourceRecord> records = task.poll();
                if (records != null) {
                    for (SourceRecord record : records) {
                        send(record);
                    }
                }
                throwIfSendFailed();
                if (System.nanoTime() - nextCommitNs >= 0) {
                    commit();
                    nextCommitNs = System.nanoTime() + commitIntervalMs * 1_000_000L;
                }
            }
            commit();
        } finally {
            try {
                task.stop();
            } finally {
                producer.close(Duration.ofMillis(flushTimeoutMs));
                converters.close();
            }
        }
    }

    private void send(SourceRecord record) {
        String topic = record.topic();
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header.key(), converters.header().fromConnectHeader(topic, header.key(), header.schema(),
                    header.value()));
        }
        byte[] key = converters.key().fromConnectData(topic, headers, record.keySchema(), record.key());
        byte[] value = converters.value().fromConnectData(topic, headers, record.valueSchema(), record.value());
        ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(topic, record.kafkaPartition(),
                record.timestamp(), key, value, headers);
        producer.send(producerRecord, (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
                return;
            }
            try {
                task.commitRecord(record, metadata);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                sendFailure.compareAndSet(null, e);
            }
        });
        if (record.sourcePartition() != null && record.sourceOffset() != null) {
            pendingOffsets.put(new HashMap<>(record.sourcePartition()), new HashMap<>(record.sourceOffset()));
        }
    }

    private void throwIfSendFailed() {
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw new ConnectException("Task " + id + " could not send a record; its offsets since the last commit "
                    + "are not stored", failure);
        }
    }

    /** Drains the producer, then stores the offsets of everything it drained, then tells the task. */
    private void commit() throws InterruptedException {
        producer.flush();
        throwIfSendFailed();
        if (!pendingOffsets.isEmpty()) {
            offsetStore.write(id.connector(), pendingOffsets);
            pendingOffsets.clear();
        }
        task.commit();
    }

    private final class Context implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return taskConfig;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return offsetReader;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return metrics;
        }
    }
}
