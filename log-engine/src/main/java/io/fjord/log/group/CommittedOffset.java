package io.fjord.log.group;

/** A committed offset; {@code leaderEpoch} is -1 when unknown, {@code metadata} may be null. */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
}
