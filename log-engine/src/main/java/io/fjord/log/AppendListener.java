package io.fjord.log;

/**
 * Told after every append, on the partition's writer thread, with the new log end offset: how a
 * broker wakes fetches that wait for data. Also told once when the partition is deleted (on the
 * deleting thread), so that what waits on it can answer. Must be quick and must not block.
 */
@FunctionalInterface
public interface AppendListener {
    void onAppend(TopicPartition topicPartition, long logEndOffset);
}
