package io.fjord.client;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * Completed commitAsync() results waiting for their callbacks. Kafka runs those callbacks on the
 * consumer's thread during a later poll, commitSync or close, never inside commitAsync; kept so
 * here although the in-process commit itself has already finished. Not thread-safe: polling thread.
 */
final class PendingCommitCallbacks {
    private record Done(OffsetCommitCallback callback, Map<TopicPartition, OffsetAndMetadata> offsets,
                        Exception error) {
    }

    private final Queue<Done> done = new ArrayDeque<>();

    void add(OffsetCommitCallback callback, Map<TopicPartition, OffsetAndMetadata> offsets, Exception error) {
        if (callback != null) {
            done.add(new Done(callback, offsets, error));
        }
    }

    void runAll() {
        Done d;
        while ((d = done.poll()) != null) {
            d.callback().onComplete(d.offsets(), d.error());
        }
    }
}
