package io.fjord.log.writer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded multi-producer, single-consumer queue on an array: no node per element (the JDK's
 * ConcurrentLinkedQueue allocates one per offer), no lock, no sun.misc.Unsafe (VarHandles only, so
 * no JDK 24+ warning in applications that embed Fjord).
 *
 * <p>Producers claim a sequence number with a CAS on {@code producerIndex}, then publish the element
 * into its slot with a release store; the consumer reads the slot with an acquire load and, after
 * emptying it, advances {@code consumerIndex} with a release store, which is what lets a producer
 * reuse the slot. A slot claimed but not yet published reads as nothing yet (see {@link #poll()}).
 *
 * <p>Capacity is exact (a full queue refuses the offer), not rounded: the array is the next power of
 * two, the check is against {@code capacity}. Emptiness is read from the two volatile indexes, so a
 * consumer that checks {@link #isEmpty()} after announcing it is about to park, and a producer that
 * checks the announcement after its CAS, cannot both miss each other (no lost wake-up).
 *
 * <p>Why not JCTools (checked 2026-12-08): jctools-core 4.0.7's {@code MpscAtomicArrayQueue} loads
 * no sun.misc.Unsafe and prints nothing on JDK 17 or 25, but rounds its capacity up to a power of two
 * (asked for 3, it holds 4), so {@code writerQueueCapacity} would not be the limit it says; the jar is
 * 500 KB of 373 classes for this one, and {@code jctools-core-jdk11} holds only the VarHandle variants
 * and needs jctools-core beside it.
 *
 * <p>Thread safety: {@link #offer} from any thread; {@link #poll} only from the one consumer thread;
 * {@link #isEmpty} and {@link #size} from any thread (a moment's view).
 */
final class MpscRing<E> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle CONSUMER_INDEX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_INDEX = lookup.findVarHandle(MpscRing.class, "producerIndex", long.class);
            CONSUMER_INDEX = lookup.findVarHandle(MpscRing.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;
    private final int capacity;
    /** Sequence number of the next slot to claim; only ever increases (CAS by producers). */
    @SuppressWarnings("unused") // accessed through PRODUCER_INDEX
    private volatile long producerIndex;
    /** Sequence number of the next slot to read; written only by the consumer. */
    @SuppressWarnings("unused") // accessed through CONSUMER_INDEX
    private volatile long consumerIndex;

    MpscRing(int capacity) {
        if (capacity < 1 || capacity > 1 << 30) {
            throw new IllegalArgumentException("capacity must be 1 to 2^30: " + capacity);
        }
        this.capacity = capacity;
        int length = Integer.highestOneBit(capacity);
        if (length < capacity) {
            length <<= 1;
        }
        this.slots = new Object[length];
        this.mask = length - 1;
    }

    int capacity() {
        return capacity;
    }

    /** Any thread: queues {@code element} (not null); false if {@link #capacity()} elements are queued. */
    boolean offer(E element) {
        if (element == null) {
            throw new NullPointerException("element");
        }
        long claimed;
        do {
            claimed = (long) PRODUCER_INDEX.getVolatile(this);
            if (claimed - (long) CONSUMER_INDEX.getVolatile(this) >= capacity) {
                return false;
            }
        } while (!PRODUCER_INDEX.compareAndSet(this, claimed, claimed + 1));
        SLOT.setRelease(slots, (int) (claimed & mask), element);
        return true;
    }

    /**
     * Consumer thread only: the oldest element, or null if there is none yet. Null also while the
     * oldest slot is claimed but not yet published (its producer is between its CAS and its store,
     * perhaps preempted there): the consumer then goes on with its duty cycle, whose idle strategy
     * yields, instead of spinning here while the producer waits for a core. {@link #isEmpty()} is
     * false meanwhile, so a consumer never parks on an element that is coming.
     */
    @SuppressWarnings("unchecked")
    E poll() {
        long next = (long) CONSUMER_INDEX.getOpaque(this); // only this thread writes it
        int slot = (int) (next & mask);
        Object element = SLOT.getAcquire(slots, slot);
        if (element == null) {
            return null;
        }
        SLOT.setOpaque(slots, slot, null);
        CONSUMER_INDEX.setVolatile(this, next + 1); // after the slot is emptied: the slot is free to reuse
        return (E) element;
    }

    /** True if nothing is queued or being queued (a moment's view; volatile reads of both indexes). */
    boolean isEmpty() {
        return (long) CONSUMER_INDEX.getVolatile(this) == (long) PRODUCER_INDEX.getVolatile(this);
    }

    /** Elements queued or being queued (a moment's view), 0 to {@link #capacity()}. */
    int size() {
        while (true) {
            long consumed = (long) CONSUMER_INDEX.getVolatile(this);
            long produced = (long) PRODUCER_INDEX.getVolatile(this);
            if (consumed == (long) CONSUMER_INDEX.getVolatile(this)) {
                return (int) Math.max(0, Math.min(capacity, produced - consumed));
            }
        }
    }
}
