package io.fjord.log.delay;

/** What {@link DelayedOperationPurgatory#tryCompleteElseWatch} did with an operation. */
public enum WatchOutcome {
    /** It completed at once (its condition already held); nothing is watched. */
    COMPLETED,
    /** It waits for a change of one of its keys or for its delay to pass. */
    WATCHING,
    /** The purgatory is full or closed: the caller answers at once (e.g. a fetch with what there is). */
    REFUSED
}
