package io.fjord.log.group;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.testsupport.Waits;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** An engine and a coordinator on one {@link ManualTimer}, plus request helpers. Not thread-safe. */
final class GroupHarness implements AutoCloseable {
    static final long START_MS = 1_700_000_000_000L;
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;
    /** How long {@link Pending#get()} waits for an answer that an append completes: a hang, not a speed. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    final Path dir;
    final ManualTimer timer;
    final GroupConfig config;
    private final UnaryOperator<EngineConfig.Builder> engineSettings;
    LogEngine engine;
    GroupCoordinator coordinator;

    GroupHarness(Path dir, GroupConfig config) {
        this(dir, config, new ManualTimer(START_MS));
    }

    GroupHarness(Path dir, GroupConfig config, ManualTimer timer) {
        this(dir, config, timer, builder -> builder);
    }

    /** With engine settings of the test's own (e.g. one writer thread, to hold it). */
    GroupHarness(Path dir, GroupConfig config, ManualTimer timer, UnaryOperator<EngineConfig.Builder> engineSettings) {
        this.dir = dir;
        this.timer = timer;
        this.config = config;
        this.engineSettings = engineSettings;
        open();
    }

    void open() {
        engine = LogEngine.open(engineSettings.apply(EngineConfig.builder(dir).clock(timer)).build());
        coordinator = GroupCoordinator.start(engine, config, timer);
    }

    /** Closes coordinator and engine cleanly. */
    void closeBoth() {
        coordinator.close();
        engine.close();
    }

    @Override
    public void close() {
        coordinator.close();
        if (!engine.isClosed()) {
            engine.close();
        }
    }

    /**
     * A pending JoinGroup/SyncGroup answer. Answers that wait for a {@code __consumer_offsets} append
     * (a SyncGroup's assignment) arrive on the writer thread: {@link #get()} waits for one.
     */
    static final class Pending<T> {
        final AtomicReference<T> result = new AtomicReference<>();
        private final AtomicInteger calls = new AtomicInteger();

        void accept(T value) {
            calls.incrementAndGet();
            result.set(value);
        }

        boolean done() {
            return result.get() != null;
        }

        int calls() {
            return calls.get();
        }

        T get() {
            try {
                Waits.waitUntil(ANSWER_TIMEOUT, this::done, () -> "a response");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for a response", e);
            }
            assertNotNull(result.get(), "no response yet");
            return result.get();
        }
    }

    static JoinRequest joinRequest(String group, String memberId, String instanceId, String clientId,
                                   List<JoinProtocol> protocols) {
        return new JoinRequest(group, memberId, instanceId, clientId, "/127.0.0.1", SESSION_MS, REBALANCE_MS,
                "consumer", protocols, false);
    }

    Pending<JoinResult> join(JoinRequest request) {
        Pending<JoinResult> pending = new Pending<>();
        coordinator.joinGroup(request, pending::accept);
        return pending;
    }

    Pending<JoinResult> join(String group, String memberId, String clientId, String... topics) {
        return join(joinRequest(group, memberId, null, clientId, List.of(new JoinProtocol("range", subscription(topics)))));
    }

    Pending<SyncResult> sync(String group, int generation, String memberId, Map<String, byte[]> assignments) {
        Pending<SyncResult> pending = new Pending<>();
        coordinator.syncGroup(new SyncRequest(group, generation, memberId, null, "consumer", null, assignments),
                pending::accept);
        return pending;
    }

    /** A ConsumerProtocolSubscription v0: int16 version, int32 count, int16-length topics, int32 user data (-1). */
    static byte[] subscription(String... topics) {
        int size = 2 + 4 + 4;
        for (String topic : topics) {
            size += 2 + topic.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) 0).putInt(topics.length);
        for (String topic : topics) {
            byte[] name = topic.getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name);
        }
        b.putInt(-1);
        return b.array();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<JoinProtocol> protocols(String... names) {
        List<JoinProtocol> list = new ArrayList<>();
        for (String name : names) {
            list.add(new JoinProtocol(name, subscription("t")));
        }
        return list;
    }
}
