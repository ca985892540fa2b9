package io.fjord.log.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A thread interrupted during an operation closes the underlying {@link java.nio.channels.FileChannel}
 * (the JDK's rule for interruptible channels); the cached channel must not stay broken for its other
 * users because of that, nor reopen once it is closed for good.
 */
class CachedFileChannelInterruptTest {
    private static final Path FDS = Path.of("/proc/self/fd");

    @TempDir
    Path dir;

    @Test
    void aDescriptorClosedByAnInterruptIsReplacedAndTheChannelKeepsWorking() throws Exception {
        Path file = dir.resolve("segment.log");
        ResourceCache cache = new ResourceCache(4);
        CachedFileChannel channel = CachedFileChannel.open(cache, FileIo.DEFAULT, file, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            channel.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), 0);

            Throwable failure = readOnAnInterruptedThread(channel);
            assertInstanceOf(ClosedByInterruptException.class, failure, "the interrupted read itself fails");

            assertTrue(channel.isOpen());
            assertEquals("hello", readAll(channel));
            channel.write(ByteBuffer.wrap("!".getBytes(StandardCharsets.US_ASCII)), 5);
            channel.force(true);
            assertEquals(6, channel.size());
            assertEquals(1, cache.openCount(), "still one entry in the cache");
            assertEquals(1, cache.opens(), "the replacement is not a reopening after eviction");
        } finally {
            channel.close();
        }
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1), 0));
        if (Files.isDirectory(FDS)) {
            assertEquals(0, descriptorsOf(file), "no descriptor of the file after close");
        }
    }

    @Test
    void aClosedChannelIsNotReopenedByAnInterruptedUse() throws Exception {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd (Linux)");
        Path file = dir.resolve("retired.log");
        CachedFileChannel channel = CachedFileChannel.open(new ResourceCache(4), FileIo.DEFAULT, file,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.close();
        assertInstanceOf(ClosedChannelException.class, readOnAnInterruptedThread(channel));
        assertEquals(0, descriptorsOf(file));
    }

    private static Throwable readOnAnInterruptedThread(CachedFileChannel channel) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                channel.read(ByteBuffer.allocate(5), 0);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "interrupted-reader");
        reader.start();
        reader.join();
        return failure.get();
    }

    private static String readAll(CachedFileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // positional reads until full
        }
        return new String(buffer.array(), StandardCharsets.US_ASCII);
    }

    private static int descriptorsOf(Path file) throws IOException {
        Path real = file.getParent().toRealPath().resolve(file.getFileName());
        int count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(real.toString())) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed between listing and reading
                }
            }
        }
        return count;
    }
}
