package io.fjord.protocol.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Bytes and records clients produced and fetched, per topic and in total (Kafka's
 * {@code BrokerTopicMetrics}). Records out are not counted: a fetch sends file regions without
 * parsing their batches (Kafka has no MessagesOutPerSec either).
 *
 * <p>Thread-safe and lock-free on the hot path: a {@link ConcurrentHashMap} read (a topic's counters
 * are created once) and {@link LongAdder}s; updated on network and writer threads.
 */
public final class TopicTraffic {
    /** The counters of one topic, or of all topics together. */
    public static final class Counters {
        final LongAdder bytesIn = new LongAdder();
        final LongAdder recordsIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();

        public long bytesIn() {
            return bytesIn.sum();
        }

        public long recordsIn() {
            return recordsIn.sum();
        }

        public long bytesOut() {
            return bytesOut.sum();
        }
    }

    private final Counters all = new Counters();
    private final ConcurrentHashMap<String, Counters> byTopic = new ConcurrentHashMap<>();
    private volatile Consumer<String> onNewTopic = topic -> { };
    private volatile Consumer<String> onTopicRemoved = topic -> { };

    /** One appended batch: its bytes as received and its record count. */
    public void produced(String topic, long bytes, long records) {
        Counters counters = counters(topic);
        counters.bytesIn.add(bytes);
        counters.recordsIn.add(records);
        all.bytesIn.add(bytes);
        all.recordsIn.add(records);
    }

    /** Record bytes of one partition in a fetch response. */
    public void fetched(String topic, long bytes) {
        Counters counters = counters(topic);
        counters.bytesOut.add(bytes);
        all.bytesOut.add(bytes);
    }

    public Counters total() {
        return all;
    }

    /** A view of the per-topic counters. */
    public Map<String, Counters> byTopic() {
        return byTopic;
    }

    /**
     * Forgets the topics {@code exists} denies (deleted ones), as Kafka removes a deleted topic's
     * metrics; the totals keep what they counted. Called at scrape time.
     */
    public void retain(Predicate<String> exists) {
        for (String topic : byTopic.keySet()) {
            if (!exists.test(topic) && byTopic.remove(topic) != null) {
                onTopicRemoved.accept(topic);
            }
        }
    }

    /**
     * Tells {@code added} each topic the first time it has traffic, and {@code removed} each topic
     * {@link #retain} forgets (e.g. to register and unregister its MBeans); both must be quick.
     */
    public void listen(Consumer<String> added, Consumer<String> removed) {
        this.onNewTopic = added;
        this.onTopicRemoved = removed;
    }

    private Counters counters(String topic) {
        Counters counters = byTopic.get(topic);
        if (counters != null) {
            return counters;
        }
        Counters created = new Counters();
        Counters raced = byTopic.putIfAbsent(topic, created);
        if (raced != null) {
            return raced;
        }
        onNewTopic.accept(topic);
        return created;
    }
}
