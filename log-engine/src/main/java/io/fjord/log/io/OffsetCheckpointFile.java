package io.fjord.log.io;

import io.fjord.log.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka's offset checkpoint file ({@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}), kept in Kafka's text format so either system reads it:
 * <pre>
 *   0                      version
 *   2                      number of entries
 *   orders 0 1200          topic partition offset
 *   orders 1 977
 * </pre>
 * Written atomically through {@link AtomicFiles}.
 */
public final class OffsetCheckpointFile {
    static final int VERSION = 0;

    private final Path file;

    public OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        StringBuilder text = new StringBuilder(64 + offsets.size() * 32);
        text.append(VERSION).append('\n').append(offsets.size()).append('\n');
        for (Map.Entry<TopicPartition, Long> entry : new TreeMap<>(offsets).entrySet()) {
            text.append(entry.getKey().topic()).append(' ').append(entry.getKey().partition()).append(' ')
                    .append(entry.getValue()).append('\n');
        }
        AtomicFiles.write(file, text.toString());
    }

    /** Reads the file; a missing file is empty. A malformed file throws with the line at fault. */
    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new TreeMap<>();
        if (!Files.exists(file)) {
            return offsets;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            throw malformed("expected a version and a count line", 0);
        }
        if (!lines.get(0).trim().equals(Integer.toString(VERSION))) {
            throw malformed("unsupported version '" + lines.get(0) + "'", 1);
        }
        int expected = parseInt(lines.get(1).trim(), 2);
        if (lines.size() - 2 < expected) {
            throw malformed("declares " + expected + " entries but has " + (lines.size() - 2), 2);
        }
        for (int i = 0; i < expected; i++) {
            String[] parts = lines.get(i + 2).trim().split(" ");
            if (parts.length != 3) {
                throw malformed("expected 'topic partition offset'", i + 3);
            }
            offsets.put(new TopicPartition(parts[0], parseInt(parts[1], i + 3)), parseLong(parts[2], i + 3));
        }
        return offsets;
    }

    private int parseInt(String value, int line) throws IOException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw malformed("'" + value + "' is not a number", line);
        }
    }

    private long parseLong(String value, int line) throws IOException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw malformed("'" + value + "' is not a number", line);
        }
    }

    private IOException malformed(String why, int line) {
        return new IOException("Malformed checkpoint file " + file + " at line " + line + ": " + why);
    }
}
