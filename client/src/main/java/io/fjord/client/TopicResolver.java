package io.fjord.client;

import java.util.ArrayList;
import java.util.List;

import io.fjord.log.LogEngine;
import io.fjord.log.TopicExistsException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Answers "how many partitions has this topic" for the clients, creating the topic on first use
 * when auto-creation is on, as a broker with {@code auto.create.topics.enable=true} does for a
 * producer's metadata request. Thread-safe: the engine serializes topic creation.
 */
final class TopicResolver {
    /** The engine is the only "broker" of an embedded client: node 0 on no port, leader of everything. */
    static final Node LOCAL_NODE = new Node(0, "localhost", -1);

    private final LogEngine engine;
    private final boolean autoCreate;
    private final int autoCreatePartitions;

    TopicResolver(LogEngine engine, boolean autoCreate, int autoCreatePartitions) {
        this.engine = engine;
        this.autoCreate = autoCreate;
        this.autoCreatePartitions = autoCreatePartitions;
    }

    /**
     * Partition count of {@code topic}, creating it if allowed.
     *
     * @throws UnknownTopicOrPartitionException if it does not exist and may not be created
     */
    int partitionCount(String topic) {
        if (engine.topicExists(topic)) {
            return engine.partitionCount(topic);
        }
        if (!autoCreate) {
            throw new UnknownTopicOrPartitionException("Topic " + topic + " not present in the engine"
                    + " and " + ClientConfig.AUTO_CREATE_TOPICS + "=false");
        }
        try {
            engine.createTopic(topic, autoCreatePartitions);
        } catch (TopicExistsException raced) {
            // another client created it between our check and our create: fine
        }
        return engine.partitionCount(topic);
    }

    /** Partition count, or -1 if the topic does not exist; never creates. */
    int existingPartitionCount(String topic) {
        try {
            return engine.topicExists(topic) ? engine.partitionCount(topic) : -1;
        } catch (RuntimeException deletedConcurrently) {
            return -1;
        }
    }

    static List<PartitionInfo> partitionInfos(String topic, int partitions) {
        List<PartitionInfo> infos = new ArrayList<>(partitions);
        Node[] replicas = {LOCAL_NODE};
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(topic, p, LOCAL_NODE, replicas, replicas, new Node[0]));
        }
        return infos;
    }
}
