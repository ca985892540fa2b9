package io.fjord.log.writer;

/**
 * What a non-blocking append offer got: queued for the partition's writer, or refused because the
 * writer's queue is full (Aeron's BACK_PRESSURED). A refused caller does not wait: it asks to be told
 * when there is room ({@code Partition.whenWriterHasRoom}) and tries again then.
 */
public enum Admission {
    /** Queued: the append's callback will run on the writer thread. */
    QUEUED,
    /** The writer's queue is full; nothing was queued and the callback will not run. */
    BACK_PRESSURED
}
