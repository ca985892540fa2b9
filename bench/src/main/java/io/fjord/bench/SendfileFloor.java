package io.fjord.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What sendfile over loopback costs on this machine with no broker at all: one thread sends a file
 * with {@link FileChannel#transferTo} to a loopback socket, another reads it, and the sender
 * thread's CPU seconds per GB are reported. That is the part of a broker's consume CPU/GB that no
 * broker can avoid, and the reader's behaviour alone moves it several-fold, so it is measured for
 * two readers:
 * <ul>
 *   <li>{@link ReaderKind#DRAINING}: reads as fast as it can and blocks whenever the socket is
 *       empty, as a consumer does while its fetch response arrives;</li>
 *   <li>{@link ReaderKind#PACED}: holds a fixed rate and never blocks (it spins between reads), so
 *       the socket stays full and the sender never has to wake it.</li>
 * </ul>
 * On its own:
 * <pre>java -cp bench/target/fjord-bench.jar io.fjord.bench.SendfileFloor [--file-mb 256]
 *     [--passes 6] [--paced-mbps 500] [--dir DIR]</pre>
 * {@code fjord bench} runs it too, after its rounds, and reports it next to the consume figures.
 */
public final class SendfileFloor {
    private static final int WRITE_CHUNK_BYTES = 64 * 1024;
    private static final int READ_BUFFER_BYTES = 1024 * 1024;
    /** transferTo is asked for at most this much per call; the broker's own sends are about this size. */
    private static final long MAX_TRANSFER_BYTES = 8L * 1024 * 1024;

    static final long DEFAULT_FILE_BYTES = 256L * 1_000_000;
    static final int DEFAULT_PASSES = 6;
    static final double DEFAULT_PACED_MEGABYTES_PER_SECOND = 500;

    enum ReaderKind { DRAINING, PACED }

    /** One reader's passes: sender CPU seconds per GB and MB/s, pass by pass. */
    record Result(ReaderKind reader, List<Double> cpuSecondsPerGb, List<Double> megabytesPerSecond) {
        /** Median over the passes after the first (the first one warms the JIT and the page cache). */
        double medianCpuSecondsPerGb() {
            return Results.median(afterFirst(cpuSecondsPerGb));
        }

        double medianMegabytesPerSecond() {
            return Results.median(afterFirst(megabytesPerSecond));
        }

        private static List<Double> afterFirst(List<Double> passes) {
            return passes.size() > 1 ? passes.subList(1, passes.size()) : passes;
        }
    }

    private SendfileFloor() {
    }

    public static void main(String[] args) throws Exception {
        long fileBytes = DEFAULT_FILE_BYTES;
        int passes = DEFAULT_PASSES;
        long pacedBytesPerSecond = (long) (DEFAULT_PACED_MEGABYTES_PER_SECOND * 1_000_000);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--file-mb" -> fileBytes = positive(option, Long.parseLong(value)) * 1_000_000;
                case "--passes" -> passes = (int) positive(option, Integer.parseInt(value));
                case "--paced-mbps" -> pacedBytesPerSecond = positive(option, Long.parseLong(value)) * 1_000_000;
                case "--dir" -> dir = Path.of(value);
                default -> throw new IllegalArgumentException("Unknown option " + option
                        + " (known: --file-mb, --passes, --paced-mbps, --dir)");
            }
        }
        System.out.printf(Locale.ROOT, "sendfile over loopback, no broker: %d MB file, %d passes per reader%n",
                fileBytes / 1_000_000, passes);
        for (Result result : measure(dir, fileBytes, passes, pacedBytesPerSecond)) {
            System.out.printf(Locale.ROOT, "%-8s reader: sender CPU %s s/GB (median %.3f), %s MB/s%n",
                    result.reader().name().toLowerCase(Locale.ROOT), format(result.cpuSecondsPerGb(), "%.3f"),
                    result.medianCpuSecondsPerGb(), format(result.megabytesPerSecond(), "%.0f"));
        }
    }

    /** Writes a scratch file of {@code fileBytes} in {@code dir}, measures both readers, deletes the file. */
    static List<Result> measure(Path dir, long fileBytes, int passes, long pacedBytesPerSecond) throws IOException,
            InterruptedException {
        Path file = Files.createTempFile(dir, "sendfile-floor-", ".dat");
        try {
            writeFile(file, fileBytes);
            List<Result> results = new ArrayList<>();
            results.add(run(file, passes, ReaderKind.DRAINING, 0));
            results.add(run(file, passes, ReaderKind.PACED, pacedBytesPerSecond));
            return results;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Positional 64 KiB writes, as a broker appends: the page cache then holds the file as it would a segment. */
    private static void writeFile(Path file, long fileBytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(WRITE_CHUNK_BYTES);
        while (chunk.hasRemaining()) {
            chunk.put((byte) chunk.position());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long position = 0;
            while (position < fileBytes) {
                chunk.clear().limit((int) Math.min(WRITE_CHUNK_BYTES, fileBytes - position));
                while (chunk.hasRemaining()) {
                    position += channel.write(chunk, position);
                }
            }
        }
    }

    private static Result run(Path file, int passes, ReaderKind kind, long pacedBytesPerSecond) throws IOException,
            InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> cpu = new ArrayList<>(passes);
        List<Double> rate = new ArrayList<>(passes);
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        long fileBytes;
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread reader = new Thread(() -> {
                try (SocketChannel socket = SocketChannel.open(server.getLocalAddress())) {
                    read(socket, kind, pacedBytesPerSecond, received);
                } catch (IOException | RuntimeException e) {
                    readerFailure.set(e);
                }
            }, "sendfile-floor-reader");
            reader.setDaemon(true);
            reader.start();
            try (SocketChannel socket = server.accept(); FileChannel channel = FileChannel.open(file)) {
                fileBytes = channel.size();
                for (int pass = 0; pass < passes; pass++) {
                    long cpuStart = threads.getCurrentThreadCpuTime();
                    long start = System.nanoTime();
                    long position = 0;
                    while (position < fileBytes) {
                        position += channel.transferTo(position, Math.min(MAX_TRANSFER_BYTES, fileBytes - position),
                                socket);
                    }
                    double gigabytes = fileBytes / 1e9;
                    cpu.add((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9 / gigabytes);
                    rate.add(fileBytes / 1e6 / ((System.nanoTime() - start) / 1e9));
                }
            } finally {
                reader.join(60_000);
                if (reader.isAlive()) {
                    reader.interrupt();
                }
            }
        }
        if (readerFailure.get() != null) {
            throw new IOException("The " + kind + " reader failed", readerFailure.get());
        }
        if (received.get() != fileBytes * passes) {
            throw new IOException("The " + kind + " reader got " + received.get() + " bytes of "
                    + fileBytes * passes);
        }
        return new Result(kind, List.copyOf(cpu), List.copyOf(rate));
    }

    private static void read(SocketChannel socket, ReaderKind kind, long pacedBytesPerSecond, AtomicLong received)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        long start = System.nanoTime();
        long total = 0;
        while (true) {
            buffer.clear();
            int n = socket.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
            received.set(total);
            if (kind == ReaderKind.PACED) {
                long dueNanos = start + (long) (total * 1e9 / pacedBytesPerSecond);
                while (System.nanoTime() < dueNanos) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    private static String format(List<Double> values, String format) {
        StringBuilder out = new StringBuilder();
        for (double value : values) {
            out.append(out.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, format, value));
        }
        return out.toString();
    }

    private static long positive(String option, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
        return value;
    }
}
