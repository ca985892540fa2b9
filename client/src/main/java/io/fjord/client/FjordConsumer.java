package io.fjord.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import io.fjord.log.LogEngine;
import io.fjord.log.Partition;
import io.fjord.log.group.GroupConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Kafka's {@link Consumer} over a {@link LogEngine}, in process: fetches are reads of the
 * engine's partitions, offsets and group membership go to the engine's group coordinator (the one
 * the broker serves too). Either assign() partitions or subscribe() to topics with a group.id.
 *
 * <p>Not thread-safe, like KafkaConsumer: one thread uses it; only {@link #wakeup()} may be
 * called from another thread.
 */
final class FjordConsumer<K, V> implements Consumer<K, V> {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);
    private static final String INTERNAL_TOPIC_PREFIX = "__";
    /** Kafka's defaults for the settings below. */
    private static final int DEFAULT_MAX_POLL_RECORDS = 500;
    private static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    private static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;
    private static final int DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;
    private static final int DEFAULT_AUTO_COMMIT_INTERVAL_MS = 5_000;

    private static final ConsumerRebalanceListener NO_LISTENER = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };

    private final LogEngine engine;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final RecordFetcher<K, V> fetcher;
    private final TopicResolver topics;
    private final OffsetStore offsets;
    private final OffsetResetPolicy resetPolicy;
    private final int maxPollRecords;
    private final boolean autoCommit;
    private final long autoCommitIntervalNs;
    private final String clientId;
    private final ClientConfig config;
    private final DataSignal signal = new DataSignal();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final SingleThreadGuard guard = new SingleThreadGuard();
    private final Assignment assignment = new Assignment();
    private final PendingCommitCallbacks commitCallbacks = new PendingCommitCallbacks();

    /** Set by subscribe(); null for assign() or no subscription. */
    private List<String> subscription;
    private ConsumerRebalanceListener listener;
    private GroupMember member;
    private HeartbeatThread heartbeats;
    private long nextAutoCommitNs;
    private boolean closed;

    FjordConsumer(LogEngine engine, ClientConfig config, Deserializer<K> keyDeserializer,
                  Deserializer<V> valueDeserializer) {
        this.engine = engine;
        this.config = config;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.fetcher = new RecordFetcher<>(engine, keyDeserializer, valueDeserializer);
        // Consumers never create topics: Kafka's allow.auto.create.topics only applies to subscribe
        // metadata, and a missing topic simply has no partitions to assign.
        this.topics = new TopicResolver(engine, false, 1);
        String groupId = config.string(ConsumerConfig.GROUP_ID_CONFIG, null);
        this.offsets = new OffsetStore(engine, groupId == null || groupId.isEmpty() ? null : groupId);
        this.resetPolicy = OffsetResetPolicy.parse(config.string(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"));
        this.maxPollRecords = config.integer(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, DEFAULT_MAX_POLL_RECORDS);
        if (maxPollRecords < 1) {
            throw new org.apache.kafka.common.config.ConfigException(ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    maxPollRecords, "must be at least 1");
        }
        // As Kafka: auto-commit defaults to on, but only a consumer with a group can commit.
        this.autoCommit = offsets.hasGroup() && config.bool(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        this.autoCommitIntervalNs = TimeUnit.MILLISECONDS.toNanos(
                config.integer(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, DEFAULT_AUTO_COMMIT_INTERVAL_MS));
        String id = config.string(ConsumerConfig.CLIENT_ID_CONFIG, "");
        this.clientId = id.isEmpty() ? "fjord-consumer-" + CLIENT_IDS.getAndIncrement() : id;
        engine.addAppendListener(signal);
    }

    // ---------------------------------------------------------------- assignment & subscription

    @Override
    public Set<TopicPartition> assignment() {
        acquire();
        try {
            return Set.copyOf(assignment.partitions());
        } finally {
            release();
        }
    }

    @Override
    public Set<String> subscription() {
        acquire();
        try {
            return subscription == null ? Set.of() : Set.copyOf(subscription);
        } finally {
            release();
        }
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        acquire();
        try {
            if (partitions == null) {
                throw new IllegalArgumentException("Topic partitions collection to assign to cannot be null");
            }
            if (subscription != null) {
                throw new IllegalStateException("Subscription to topics, partitions and pattern are mutually exclusive");
            }
            for (TopicPartition tp : partitions) {
                if (tp == null || tp.topic() == null || tp.topic().isBlank()) {
                    throw new IllegalArgumentException("Topic partitions to assign to cannot have null or empty topic");
                }
            }
            if (autoCommit) {
                commitQuietly(); // as Kafka: positions of partitions given up are committed first
            }
            assignment.set(partitions);
        } finally {
            release();
        }
    }

    @Override
    public void subscribe(Collection<String> topicNames) {
        subscribe(topicNames, NO_LISTENER);
    }

    @Override
    public void subscribe(Collection<String> topicNames, ConsumerRebalanceListener rebalanceListener) {
        acquire();
        try {
            if (topicNames == null) {
                throw new IllegalArgumentException("Topic collection to subscribe to cannot be null");
            }
            if (rebalanceListener == null) {
                throw new IllegalArgumentException("RebalanceListener cannot be null");
            }
            if (topicNames.isEmpty()) {
                unsubscribe();
                return;
            }
            if (subscription == null && !assignment.isEmpty()) {
                throw new IllegalStateException("Subscription to topics, partitions and pattern are mutually exclusive");
            }
            for (String t : topicNames) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException("Topic collection to subscribe to cannot contain null or empty topic");
                }
            }
            if (!offsets.hasGroup()) {
                throw new org.apache.kafka.common.errors.InvalidGroupIdException("To use the group management or "
                        + "offset commit APIs, you must provide a valid group.id in the consumer configuration.");
            }
            List<String> wanted = List.copyOf(new LinkedHashSet<>(topicNames));
            boolean changed = subscription == null || !new HashSet<>(subscription).equals(new HashSet<>(wanted));
            subscription = wanted;
            listener = rebalanceListener;
            if (member == null) {
                startMembership();
            } else if (changed) {
                member.requestRejoin(); // a new subscription needs a new assignment
            }
        } finally {
            release();
        }
    }

    private void startMembership() {
        List<String> strategies = config.list(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                List.of(RangeAssignor.class.getName()));
        List<ConsumerPartitionAssignor> assignors =
                ConsumerPartitionAssignor.getAssignorInstances(strategies, config.originals());
        int sessionTimeoutMs = config.integer(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
        int rebalanceTimeoutMs = config.integer(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                DEFAULT_MAX_POLL_INTERVAL_MS);
        int heartbeatMs = config.integer(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, DEFAULT_HEARTBEAT_INTERVAL_MS);
        String instanceId = config.string(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, null);
        member = new GroupMember(engine.groupCoordinator(), offsets.groupId(), instanceId, clientId, sessionTimeoutMs,
                rebalanceTimeoutMs, assignors, new GroupAssignmentPlanner(topics), signal);
        heartbeats = new HeartbeatThread(member, heartbeatMs,
                "fjord-consumer-heartbeat | " + clientId + " | " + offsets.groupId());
    }

    @Override
    public void unsubscribe() {
        acquire();
        try {
            if (member != null) {
                if (!assignment.isEmpty()) {
                    revokeAll();
                }
                stopMembership(true);
            }
            subscription = null;
            listener = null;
            assignment.clear();
        } finally {
            release();
        }
    }

    private void stopMembership(boolean leave) {
        heartbeats.close();
        if (leave) {
            member.leave();
        }
        member = null;
        heartbeats = null;
    }

    /** Eager protocol: before rejoining, give up everything (committing first if auto-commit is on). */
    private void revokeAll() {
        if (autoCommit) {
            commitQuietly();
        }
        Set<TopicPartition> owned = new LinkedHashSet<>(assignment.partitions());
        assignment.clear();
        if (listener != null) {
            listener.onPartitionsRevoked(owned);
        }
    }

    @Override
    public void enforceRebalance() {
        enforceRebalance(null);
    }

    @Override
    public void enforceRebalance(String reason) {
        acquire();
        try {
            if (member == null) {
                throw new IllegalStateException("Tried to force a rebalance but consumer does not have a group.");
            }
            member.requestRejoin();
        } finally {
            release();
        }
    }

    // ---------------------------------------------------------------- poll

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        acquire();
        try {
            ensureOpen();
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("Timeout must not be negative");
            }
            if (subscription == null && assignment.isEmpty()) {
                throw new IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
            }
            commitCallbacks.runAll();
            long deadlineNs = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
            while (true) {
                checkWakeup();
                long seen = signal.sequence();
                if (member != null) {
                    updateMembership(deadlineNs);
                }
                maybeAutoCommit();
                Map<TopicPartition, List<ConsumerRecord<K, V>>> fetched = fetch();
                if (!fetched.isEmpty()) {
                    return new ConsumerRecords<>(fetched, nextOffsets(fetched));
                }
                long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0) {
                    return ConsumerRecords.empty();
                }
                signal.await(seen, leftNs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } finally {
            release();
        }
    }

    private void updateMembership(long deadlineNs) {
        if (member.aboutToRejoin() && !assignment.isEmpty()) {
            revokeAll();
        }
        List<TopicPartition> assigned = member.progress(subscription, deadlineNs, this::checkWakeup);
        if (assigned != null) {
            assignment.set(assigned);
            if (autoCommit) {
                nextAutoCommitNs = System.nanoTime() + autoCommitIntervalNs;
            }
            listener.onPartitionsAssigned(Set.copyOf(assigned));
        }
    }

    private Map<TopicPartition, List<ConsumerRecord<K, V>>> fetch() {
        if (member != null && !member.isStable()) {
            return Map.of(); // mid-rebalance: nothing is owned
        }
        Map<TopicPartition, List<ConsumerRecord<K, V>>> result = new LinkedHashMap<>();
        int left = maxPollRecords;
        for (TopicPartition tp : assignment.fetchOrder()) {
            if (left == 0) {
                break;
            }
            PartitionState state = assignment.state(tp);
            if (!engine.topicExists(tp.topic()) || tp.partition() >= engine.partitionCount(tp.topic())) {
                continue; // assigned before it exists: Kafka waits for metadata, so do we
            }
            if (state.position == null) {
                state.position = initialPosition(tp);
            }
            List<ConsumerRecord<K, V>> records;
            try {
                records = fetcher.fetch(tp, state, left);
            } catch (io.fjord.log.OffsetOutOfRangeException e) {
                state.position = resetPosition(tp, state.position);
                state.closeReader();
                continue;
            } catch (RuntimeException e) {
                throw EngineErrors.toKafka(e);
            }
            if (!records.isEmpty()) {
                result.put(tp, records);
                left -= records.size();
            }
        }
        return result;
    }

    private static <K, V> Map<TopicPartition, OffsetAndMetadata> nextOffsets(
            Map<TopicPartition, List<ConsumerRecord<K, V>>> fetched) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        fetched.forEach((tp, records) -> next.put(tp, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1)));
        return next;
    }

    /** The committed offset if the group has one, else where auto.offset.reset says. */
    private long initialPosition(TopicPartition tp) {
        if (offsets.hasGroup()) {
            OffsetAndMetadata committed = offsets.fetch(Set.of(tp)).get(tp);
            if (committed != null) {
                return committed.offset();
            }
        }
        Partition partition = engine.partition(tp.topic(), tp.partition());
        return switch (resetPolicy) {
            case EARLIEST -> partition.earliestOffset();
            case LATEST -> partition.latestOffset();
            case NONE -> throw new NoOffsetForPartitionException(tp);
        };
    }

    private long resetPosition(TopicPartition tp, long outOfRange) {
        Partition partition = engine.partition(tp.topic(), tp.partition());
        return switch (resetPolicy) {
            case EARLIEST -> partition.earliestOffset();
            case LATEST -> partition.latestOffset();
            case NONE -> throw new OffsetOutOfRangeException("Fetch position " + outOfRange
                    + " is out of range for partition " + tp, Map.of(tp, outOfRange));
        };
    }

    private void maybeAutoCommit() {
        if (autoCommit && System.nanoTime() - nextAutoCommitNs >= 0) {
            nextAutoCommitNs = System.nanoTime() + autoCommitIntervalNs;
            commitQuietly();
        }
    }

    /** Auto-commits never throw at the user, as in Kafka (a rebalance may legitimately fail them). */
    private void commitQuietly() {
        try {
            doCommit(consumedOffsets());
        } catch (KafkaException e) {
            System.getLogger(FjordConsumer.class.getName()).log(System.Logger.Level.WARNING,
                    "Auto offset commit failed for group " + offsets.groupId() + ": " + e.getMessage());
        }
    }

    private void checkWakeup() {
        if (wakeupRequested.getAndSet(false)) {
            throw new WakeupException();
        }
    }

    /** @return whether a poll is waiting for data right now (package-private: the wake-up tests' latch) */
    boolean isWaitingForData() {
        return signal.hasWaiters();
    }

    @Override
    public void wakeup() {
        wakeupRequested.set(true);
        signal.signal();
    }

    // ---------------------------------------------------------------- positions

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("seek offset must not be a negative number");
        }
        acquire();
        try {
            assignment.state(partition).position = offset;
        } finally {
            release();
        }
    }

    @Override
    public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
        seek(partition, offsetAndMetadata.offset());
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        seekTo(partitions, true);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        seekTo(partitions, false);
    }

    /** Kafka evaluates these lazily; the engine answers at once, so we resolve now. Empty = all assigned. */
    private void seekTo(Collection<TopicPartition> partitions, boolean beginning) {
        if (partitions == null) {
            throw new IllegalArgumentException("Partitions collection cannot be null");
        }
        acquire();
        try {
            Collection<TopicPartition> targets = partitions.isEmpty() ? List.copyOf(assignment.partitions()) : partitions;
            for (TopicPartition tp : targets) {
                PartitionState state = assignment.state(tp);
                Partition p = partition(tp);
                state.position = beginning ? p.earliestOffset() : p.latestOffset();
            }
        } finally {
            release();
        }
    }

    @Override
    public long position(TopicPartition partition) {
        return position(partition, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        acquire();
        try {
            PartitionState state = assignment.state(partition);
            if (state.position == null) {
                partition(partition); // unknown topic: Kafka would time out; we fail fast
                state.position = initialPosition(partition);
            }
            return state.position;
        } finally {
            release();
        }
    }

    @Override
    public OptionalLong currentLag(TopicPartition topicPartition) {
        acquire();
        try {
            PartitionState state = assignment.state(topicPartition);
            if (state.position == null) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Math.max(0, partition(topicPartition).latestOffset() - state.position));
        } finally {
            release();
        }
    }

    @Override
    public Set<TopicPartition> paused() {
        acquire();
        try {
            Set<TopicPartition> result = new HashSet<>();
            for (TopicPartition tp : assignment.partitions()) {
                if (assignment.state(tp).paused) {
                    result.add(tp);
                }
            }
            return result;
        } finally {
            release();
        }
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        setPaused(partitions, true);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        setPaused(partitions, false);
    }

    private void setPaused(Collection<TopicPartition> partitions, boolean paused) {
        acquire();
        try {
            for (TopicPartition tp : partitions) {
                assignment.state(tp).paused = paused;
            }
        } finally {
            release();
        }
    }

    // ---------------------------------------------------------------- offsets

    @Override
    public void commitSync() {
        commitSync(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public void commitSync(Duration timeout) {
        acquire();
        try {
            commitCallbacks.runAll();
            doCommit(consumedOffsets());
        } finally {
            release();
        }
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        commitSync(offsets, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        acquire();
        try {
            commitCallbacks.runAll();
            doCommit(new LinkedHashMap<>(offsets));
        } finally {
            release();
        }
    }

    @Override
    public void commitAsync() {
        commitAsync(null);
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        acquire();
        try {
            commitAsyncNow(consumedOffsets(), callback);
        } finally {
            release();
        }
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        acquire();
        try {
            commitAsyncNow(new LinkedHashMap<>(offsets), callback);
        } finally {
            release();
        }
    }

    /** The commit itself is in-process and quick; only the callback is deferred (see PendingCommitCallbacks). */
    private void commitAsyncNow(Map<TopicPartition, OffsetAndMetadata> toCommit, OffsetCommitCallback callback) {
        Exception error = null;
        try {
            doCommit(toCommit);
        } catch (KafkaException e) {
            error = e;
        }
        commitCallbacks.add(callback, toCommit, error);
    }

    private Map<TopicPartition, OffsetAndMetadata> consumedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> result = new LinkedHashMap<>();
        assignment.positions().forEach((tp, pos) -> result.put(tp, new OffsetAndMetadata(pos)));
        return result;
    }

    private void doCommit(Map<TopicPartition, OffsetAndMetadata> toCommit) {
        ensureOpen();
        if (member != null) {
            if (!member.isStable()) {
                throw new org.apache.kafka.common.errors.RebalanceInProgressException(
                        "Offset commit cannot be completed since the consumer is undergoing a rebalance");
            }
            offsets.commit(toCommit, member.generation(), member.memberId(), null);
        } else {
            offsets.commit(toCommit, -1, "", null);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return committed(partitions, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        acquire();
        try {
            ensureOpen();
            return offsets.fetch(partitions);
        } finally {
            release();
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
        return offsetsForTimes(timestampsToSearch, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch,
                                                                   Duration timeout) {
        acquire();
        try {
            Map<TopicPartition, OffsetAndTimestamp> result = new HashMap<>();
            for (Map.Entry<TopicPartition, Long> e : timestampsToSearch.entrySet()) {
                if (e.getValue() < 0) {
                    throw new IllegalArgumentException("The target time for partition " + e.getKey() + " is "
                            + e.getValue() + ". The target time cannot be negative.");
                }
                result.put(e.getKey(), OffsetLookup.offsetForTime(partition(e.getKey()), e.getValue()));
            }
            return result;
        } finally {
            release();
        }
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return beginningOffsets(partitions, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, Long> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
            result.put(tp, partition(tp).earliestOffset());
        }
        return result;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return endOffsets(partitions, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, Long> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
            result.put(tp, partition(tp).latestOffset());
        }
        return result;
    }

    private Partition partition(TopicPartition tp) {
        int count = topics.existingPartitionCount(tp.topic());
        if (count < 0 || tp.partition() >= count || tp.partition() < 0) {
            throw new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(
                    "This server does not host this topic-partition: " + tp);
        }
        return engine.partition(tp.topic(), tp.partition());
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return partitionsFor(topic, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        int count = topics.existingPartitionCount(topic);
        return count < 0 ? List.of() : TopicResolver.partitionInfos(topic, count);
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics() {
        return listTopics(Duration.ofMillis(Long.MAX_VALUE));
    }

    /** Internal topics ({@code __consumer_offsets}) are left out, as with Kafka's exclude.internal.topics. */
    @Override
    public Map<String, List<PartitionInfo>> listTopics(Duration timeout) {
        Map<String, List<PartitionInfo>> result = new HashMap<>();
        for (String topic : engine.topics()) {
            int count = topics.existingPartitionCount(topic);
            if (!topic.startsWith(INTERNAL_TOPIC_PREFIX) && count > 0) {
                result.put(topic, TopicResolver.partitionInfos(topic, count));
            }
        }
        return result;
    }

    @Override
    public ConsumerGroupMetadata groupMetadata() {
        acquire();
        try {
            if (!offsets.hasGroup()) {
                throw new org.apache.kafka.common.errors.InvalidGroupIdException("To use the group management or "
                        + "offset commit APIs, you must provide a valid group.id in the consumer configuration.");
            }
            return member != null ? member.metadata() : new ConsumerGroupMetadata(offsets.groupId());
        } finally {
            release();
        }
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        close(CloseOptions.timeout(Duration.ofSeconds(30)));
    }

    @Override
    public void close(Duration timeout) {
        close(CloseOptions.timeout(timeout));
    }

    @Override
    public void close(CloseOptions options) {
        acquire();
        try {
            if (closed) {
                return;
            }
            try {
                commitCallbacks.runAll();
                if (member != null) {
                    if (member.isStable() && !assignment.isEmpty()) {
                        revokeAll(); // commits (if auto-commit) and tells the listener, as Kafka's close does
                    }
                    boolean leave = options.groupMembershipOperation() != CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP;
                    stopMembership(leave);
                } else if (autoCommit && !assignment.isEmpty()) {
                    commitQuietly();
                }
            } finally {
                closed = true;
                assignment.clear();
                engine.removeAppendListener(signal);
                Utils.closeQuietly(keyDeserializer, "key deserializer");
                Utils.closeQuietly(valueDeserializer, "value deserializer");
            }
        } finally {
            release();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This consumer has already been closed.");
        }
    }

    private void acquire() {
        guard.acquire();
    }

    private void release() {
        guard.release();
    }

    // ---------------------------------------------------------------- not supported

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener callback) {
        throw Unsupported.method("subscribe(Pattern)", "pattern subscriptions are not implemented; subscribe to "
                + "the topic names (listTopics() lists them)");
    }

    @Override
    public void subscribe(Pattern pattern) {
        throw Unsupported.method("subscribe(Pattern)", "pattern subscriptions are not implemented; subscribe to "
                + "the topic names (listTopics() lists them)");
    }

    @Override
    public void subscribe(SubscriptionPattern pattern, ConsumerRebalanceListener callback) {
        throw Unsupported.method("subscribe(SubscriptionPattern)", "broker-side regular expressions belong to the "
                + "KIP-848 consumer protocol, which the embedded client does not speak");
    }

    @Override
    public void subscribe(SubscriptionPattern pattern) {
        throw Unsupported.method("subscribe(SubscriptionPattern)", "broker-side regular expressions belong to the "
                + "KIP-848 consumer protocol, which the embedded client does not speak");
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        // Nothing to do: client telemetry goes to a broker, and in-process there is none. Kafka
        // Streams registers its metrics on every client it creates, so this must not throw.
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        // See registerMetricForSubscription: there is no telemetry to remove it from.
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        throw Unsupported.method("clientInstanceId()", "client telemetry (KIP-714) needs a broker");
    }
}
