package io.fjord.connect.file;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * Writes record values as lines through a buffer; {@link #flush} (called by the worker before it
 * commits offsets) writes the buffer out and fsyncs, so committed offsets never run ahead of the
 * file. Not thread-safe: the worker calls it from the task thread only.
 */
public final class FileSinkTask extends SinkTask {
    private Path file;
    private String nullValue;
    private FileOutputStream out;
    private BufferedWriter writer;

    @Override
    public void start(Map<String, String> props) {
        AbstractConfig config = new AbstractConfig(FileSinkConnector.CONFIG, props);
        file = Path.of(config.getString(FileSinkConnector.FILE)).toAbsolutePath();
        nullValue = config.getString(FileSinkConnector.NULL_VALUE);
        try {
            out = new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new ConnectException("Cannot open " + file + " for appending", e);
        }
        writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            for (SinkRecord record : records) {
                Object value = record.value();
                if (value == null && nullValue == null) {
                    continue;
                }
                writer.write(value == null ? nullValue : value.toString());
                writer.write('\n');
            }
        } catch (IOException e) {
            throw new ConnectException("Writing to " + file + " failed", e);
        }
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            writer.flush();
            out.getFD().sync();
        } catch (IOException e) {
            throw new ConnectException("Flushing " + file + " failed", e);
        }
    }

    @Override
    public void stop() {
        if (writer == null) {
            return;
        }
        try {
            // Whatever was put after the last commit is written too: on restart it is delivered
            // again only if its offsets were not committed, which a clean stop always does first.
            writer.close();
        } catch (IOException e) {
            throw new ConnectException("Closing " + file + " failed", e);
        }
    }

    @Override
    public String version() {
        return FileConnectors.VERSION;
    }
}
