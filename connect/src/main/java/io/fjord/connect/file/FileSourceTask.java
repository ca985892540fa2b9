package io.fjord.connect.file;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads complete lines (ending in {@code \n}; a trailing {@code \r} is dropped) from the byte
 * position of the last stored offset. A partial last line waits until its newline is written.
 * Offsets: partition {@code {"file": <absolute path>}}, offset {@code {"position": <byte after the
 * line>, "line": <its 1-based number>}}. A file now shorter than the stored position was replaced
 * or truncated: it is read again from the start.
 * Not thread-safe except {@link #stop}, which may come from another thread and wakes a waiting poll.
 */
public final class FileSourceTask extends SourceTask {
    static final String PARTITION_FILE = "file";
    static final String OFFSET_POSITION = "position";
    static final String OFFSET_LINE = "line";
    private static final System.Logger LOG = System.getLogger(FileSourceTask.class.getName());
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final Object wakeUp = new Object();
    private volatile boolean stopped;
    private Path file;
    private String topic;
    private int batchLines;
    private int maxLineBytes;
    private long pollWaitMs;
    private Map<String, String> partition;
    private FileChannel channel;
    /** Byte position of the first byte not yet read from the file. */
    private long readPosition;
    /** Byte position just after the last complete line returned: the offset stored with it. */
    private long linePosition;
    private long lineNumber;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    /** Bytes of the line being assembled (read but not yet ended by a newline). */
    private byte[] partial = new byte[256];
    private int partialLength;

    @Override
    public void start(Map<String, String> props) {
        AbstractConfig config = new AbstractConfig(FileSourceConnector.CONFIG, props);
        file = Path.of(config.getString(FileSourceConnector.FILE)).toAbsolutePath();
        topic = config.getString(FileSourceConnector.TOPIC);
        batchLines = config.getInt(FileSourceConnector.BATCH_LINES);
        maxLineBytes = config.getInt(FileSourceConnector.MAX_LINE_BYTES);
        pollWaitMs = config.getLong(FileSourceConnector.POLL_WAIT_MS);
        partition = Map.of(PARTITION_FILE, file.toString());
        Map<String, Object> offset = context.offsetStorageReader().offset(partition);
        if (offset != null) {
            linePosition = ((Number) offset.get(OFFSET_POSITION)).longValue();
            lineNumber = ((Number) offset.get(OFFSET_LINE)).longValue();
            readPosition = linePosition;
            LOG.log(System.Logger.Level.INFO, "Resuming " + file + " at byte " + linePosition + " (after line "
                    + lineNumber + ")");
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        try {
            if (openIfPresent()) {
                readLines(records);
            }
        } catch (IOException e) {
            throw new ConnectException("Reading " + file + " failed", e);
        }
        if (records.isEmpty() && !stopped) {
            synchronized (wakeUp) {
                wakeUp.wait(pollWaitMs);
            }
            return null;
        }
        return records;
    }

    private boolean openIfPresent() throws IOException {
        if (channel != null) {
            if (channel.size() < readPosition) {
                LOG.log(System.Logger.Level.WARNING, file + " is now shorter (" + channel.size() + " bytes) than its "
                        + "stored position " + readPosition + ": it was replaced or truncated; reading it from the start");
                channel.close();
                channel = null;
                readPosition = linePosition = lineNumber = 0;
                partialLength = 0;
            } else {
                return true;
            }
        }
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false; // not written yet: keep waiting for it
        }
        if (channel.size() < readPosition) {
            return openIfPresent();
        }
        return true;
    }

    private void readLines(List<SourceRecord> records) throws IOException {
        while (records.size() < batchLines) {
            readBuffer.clear();
            int read = channel.read(readBuffer, readPosition);
            if (read <= 0) {
                return;
            }
            readBuffer.flip();
            while (readBuffer.hasRemaining()) {
                byte b = readBuffer.get();
                readPosition++;
                if (b == '\n') {
                    records.add(record(readPosition));
                    if (records.size() >= batchLines) {
                        // Unread bytes of this buffer are read again by the next poll, from readPosition.
                        return;
                    }
                } else {
                    appendPartial(b);
                }
            }
        }
    }

    private void appendPartial(byte b) {
        if (partialLength == maxLineBytes) {
            throw new ConnectException("Line " + (lineNumber + 1) + " of " + file + " is longer than "
                    + FileSourceConnector.MAX_LINE_BYTES + "=" + maxLineBytes + " bytes");
        }
        if (partialLength == partial.length) {
            partial = java.util.Arrays.copyOf(partial, Math.min(maxLineBytes, partial.length * 2));
        }
        partial[partialLength++] = b;
    }

    private SourceRecord record(long positionAfterLine) {
        int length = partialLength > 0 && partial[partialLength - 1] == '\r' ? partialLength - 1 : partialLength;
        String line = new String(partial, 0, length, StandardCharsets.UTF_8);
        partialLength = 0;
        linePosition = positionAfterLine;
        lineNumber++;
        Map<String, Long> offset = Map.of(OFFSET_POSITION, linePosition, OFFSET_LINE, lineNumber);
        return new SourceRecord(partition, offset, topic, null, null, null, Schema.STRING_SCHEMA, line,
                System.currentTimeMillis());
    }

    @Override
    public void stop() {
        stopped = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        // Both Kafka's worker and Fjord's call stop on the task thread after the last poll, so no
        // read is in progress here.
        closeChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Closing " + file + " failed", e);
            }
        }
    }

    @Override
    public String version() {
        return FileConnectors.VERSION;
    }
}
