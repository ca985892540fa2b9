package io.fjord.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What one thread-to-thread hand-off costs on this machine, no broker involved: a sender stamps
 * System.nanoTime and hands a token to a waiting thread every {@code --interval-us} (5,000/s by
 * default, the tail benchmark's rate), the receiver records how long after the stamp it saw it.
 * Four ways to wait, the ones Fjord's request path uses: park/unpark straight away; spin 200,
 * yield 20, then park (PartitionWriter's idle strategy before issue 12); a thread blocked in
 * {@link Selector#select} woken by {@link Selector#wakeup} (NetworkThread); and spin only, for
 * reference. Each hop of a request's path pays one of these, so the e2e tail of a broker is
 * roughly its number of hops times this tail on a busy machine.
 *
 * <p>{@code java -cp bench/target/fjord-bench.jar io.fjord.bench.HandoffLatency [--seconds N] [--interval-us N]}
 */
public final class HandoffLatency {
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(10);

    private HandoffLatency() {
    }

    /** How the receiving thread waits for the next token. */
    enum Wait {
        PARK, SPIN_YIELD_PARK, SELECTOR, SPIN
    }

    public static void main(String[] args) throws Exception {
        int seconds = 4;
        int intervalMicros = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--interval-us" -> intervalMicros = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("load average at the start: " + MachineInfo.loadAverage());
        System.out.println("| wait | p50 us | p99 us | p99.9 us | max us | hand-offs |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int round = 0; round < 2; round++) { // twice, alternating, so load drift shows
            for (Wait wait : Wait.values()) {
                Histogram h = measure(wait, seconds, intervalMicros);
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %,d |%n", wait, h.getValueAtPercentile(50),
                        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount());
            }
        }
        System.out.println("load average at the end: " + MachineInfo.loadAverage());
    }

    static Histogram measure(Wait wait, int seconds, int intervalMicros) throws IOException, InterruptedException {
        Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        AtomicLong stamp = new AtomicLong(); // 0: nothing pending
        Selector selector = wait == Wait.SELECTOR ? Selector.open() : null;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread receiver = new Thread(() -> receive(wait, stamp, selector, end, histogram), "handoff-receiver");
        receiver.start();
        long intervalNanos = TimeUnit.MICROSECONDS.toNanos(intervalMicros);
        long next = System.nanoTime();
        while (next - end < 0) {
            while (System.nanoTime() - next < 0) {
                LockSupport.parkNanos(next - System.nanoTime());
            }
            stamp.set(System.nanoTime());
            if (wait == Wait.SELECTOR) {
                selector.wakeup();
            } else if (wait != Wait.SPIN) {
                LockSupport.unpark(receiver);
            }
            next += intervalNanos;
        }
        receiver.join();
        if (selector != null) {
            selector.close();
        }
        return histogram;
    }

    private static void receive(Wait wait, AtomicLong stamp, Selector selector, long end, Histogram histogram) {
        int idle = 0;
        while (System.nanoTime() - end < 0) {
            long sent = stamp.getAndSet(0);
            if (sent != 0) {
                histogram.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - sent) / 1_000));
                idle = 0;
                continue;
            }
            idle++;
            switch (wait) {
                case PARK -> LockSupport.parkNanos(1_000_000);
                case SPIN -> Thread.onSpinWait();
                case SPIN_YIELD_PARK -> {
                    if (idle <= 200) {
                        Thread.onSpinWait();
                    } else if (idle <= 220) {
                        Thread.yield();
                    } else {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
                case SELECTOR -> {
                    try {
                        selector.select(1);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        }
    }
}
