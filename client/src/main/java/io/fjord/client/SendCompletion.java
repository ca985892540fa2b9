package io.fjord.client;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Completes one send as KafkaProducer does: the callback runs first, then the future completes. */
final class SendCompletion {
    private static final System.Logger LOG = System.getLogger(FjordProducer.class.getName());

    private SendCompletion() {
    }

    static void complete(CompletableFuture<RecordMetadata> future, Callback callback, RecordMetadata metadata,
                         RuntimeException error) {
        try {
            if (callback != null) {
                callback.onCompletion(metadata, error);
            }
        } catch (RuntimeException userBug) {
            // Kafka logs and swallows callback exceptions; the producer must keep going.
            LOG.log(System.Logger.Level.ERROR, "Error executing user-provided callback on message for topic-partition "
                    + metadata.topic() + "-" + metadata.partition(), userBug);
        } finally {
            if (error == null) {
                future.complete(metadata);
            } else {
                future.completeExceptionally(error);
            }
        }
    }
}
