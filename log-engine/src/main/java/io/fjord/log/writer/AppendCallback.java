package io.fjord.log.writer;

import io.fjord.log.FjordException;

/**
 * Completion of an append handed to a partition writer. Called on the writer thread, so it must
 * be quick and must not block: hand results over, don't process them here.
 */
@FunctionalInterface
public interface AppendCallback {
    /**
     * @param baseOffset the first offset assigned, or -1 on failure
     * @param lastOffset the last offset assigned, or -1 on failure
     * @param error      null on success
     */
    void onComplete(long baseOffset, long lastOffset, FjordException error);
}
