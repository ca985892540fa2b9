package io.fjord.connect;

import io.fjord.client.FjordClients;
import io.fjord.log.FjordException;
import io.fjord.log.LogEngine;
import io.fjord.log.TopicConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Map;

/**
 * Topics on a {@link LogEngine} in this process, through Fjord's in-process clients. When the
 * worker opened the engine itself ({@code fjord.data.dir}) it closes it too; an engine handed in
 * by an embedding application stays open.
 */
final class EmbeddedCluster implements Cluster {
    private final LogEngine engine;
    private final boolean ownsEngine;

    EmbeddedCluster(LogEngine engine, boolean ownsEngine) {
        this.engine = engine;
        this.ownsEngine = ownsEngine;
    }

    /** Opens an engine on the worker's {@code fjord.data.dir}; a locked directory is a clear config error. */
    static EmbeddedCluster open(WorkerConfig config) {
        try {
            return new EmbeddedCluster(LogEngine.open(config.dataDir()), true);
        } catch (FjordException e) {
            throw new ConfigException(WorkerConfig.DATA_DIR, config.dataDir().toString(),
                    "cannot open an engine there (is a broker or another worker using it?): " + e.getMessage());
        }
    }

    @Override
    public Producer<byte[], byte[]> producer(Map<String, Object> config) {
        return FjordClients.producer(engine, config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return FjordClients.consumer(engine, config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void ensureCompactedTopic(String topic, int partitions, long timeoutMs) {
        if (engine.topicExists(topic)) {
            return;
        }
        try {
            engine.createTopic(topic, partitions, TopicConfig.of(
                    Map.of(TopicConfig.CLEANUP_POLICY, TopicConfig.CLEANUP_POLICY_COMPACT)));
        } catch (FjordException e) {
            // Another worker on the same engine may have created it in between: fine if it is there now.
            if (!engine.topicExists(topic)) {
                throw e;
            }
        }
    }

    @Override
    public String describe() {
        return "embedded engine on " + engine.dataDir().toAbsolutePath();
    }

    @Override
    public void close() {
        if (ownsEngine) {
            engine.close();
        }
    }
}
