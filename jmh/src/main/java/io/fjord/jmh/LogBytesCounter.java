package io.fjord.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts log bytes written or read, reported by JMH as a secondary throughput "logBytes" in
 * bytes/s (divide by 1e6 for MB/s). For Fjord these are whole record batches, headers included
 * (61 bytes per batch plus about 7 per record); for Chronicle Queue, payload plus its 4-byte
 * excerpt header. Not divided by {@code @OperationsPerInvocation}: it is a raw byte rate.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class LogBytesCounter {
    public long logBytes;

    @Setup(Level.Iteration)
    public void reset() {
        logBytes = 0;
    }
}
