package io.fjord.log.delay;

/** Why a delayed operation completed: what its response says (e.g. a delayed produce's timeout error). */
public enum CompletionCause {
    /** Its condition held ({@link DelayedOperation#tryComplete} or a direct {@link DelayedOperation#forceComplete}). */
    SATISFIED,
    /** Its delay passed first. */
    EXPIRED,
    /** The purgatory closed (broker shutdown): answered with what there is. */
    CLOSED
}
