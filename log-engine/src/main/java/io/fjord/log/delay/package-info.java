/**
 * Work that waits, in one place: a {@link io.fjord.log.delay.DelayedOperationPurgatory} holds
 * {@link io.fjord.log.delay.DelayedOperation}s watched by key (a partition, a group) and expires
 * them on a hierarchical {@link io.fjord.log.delay.TimingWheel}. The broker's waiting fetches
 * live here today; delayed produce (acks=all, keyed by partition, complete when the high
 * watermark passes the last offset) and delayed JoinGroup (keyed by group, complete when every
 * member joined or at the rebalance timeout) fit the same API. No Kafka wire types: an
 * operation builds its own response in {@code onComplete}.
 */
package io.fjord.log.delay;
