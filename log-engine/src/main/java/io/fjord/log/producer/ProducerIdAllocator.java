package io.fjord.log.producer;

import io.fjord.log.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out producer ids that never repeat, across restarts and crashes: ids come in blocks, and
 * the end of a block is written durably ({@code producer-id-block}) before any id in it is used.
 * A crash wastes the rest of the block, never reuses an id. Thread-safe.
 */
public final class ProducerIdAllocator {
    public static final String FILE_NAME = "producer-id-block";
    /** Ids per durable write: one fsync per thousand producers. */
    public static final int BLOCK_SIZE = 1000;

    private final Path file;
    private long next;
    private long blockEnd;

    public ProducerIdAllocator(Path dataDir) throws IOException {
        this.file = dataDir.resolve(FILE_NAME);
        long persisted = 0;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            try {
                persisted = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("Malformed " + file + ": '" + text + "' is not a number", e);
            }
        }
        this.next = persisted;
        this.blockEnd = persisted;
    }

    public synchronized long allocate() throws IOException {
        if (next == blockEnd) {
            long newEnd = blockEnd + BLOCK_SIZE;
            AtomicFiles.write(file, Long.toString(newEnd));
            blockEnd = newEnd;
        }
        return next++;
    }
}
