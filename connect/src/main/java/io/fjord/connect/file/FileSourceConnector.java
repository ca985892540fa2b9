package io.fjord.connect.file;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;

/**
 * Streams the lines of one text file into a topic, one record per line (string value, no key),
 * and keeps following the file as lines are appended. Its source offset is the byte position
 * after the last line sent and that line's number, so a restarted worker resumes exactly there.
 * One task: a file has one reader.
 */
public final class FileSourceConnector extends SourceConnector {
    public static final String FILE = "file";
    public static final String TOPIC = "topic";
    /** The most lines one poll returns. */
    public static final String BATCH_LINES = "batch.lines";
    public static final int DEFAULT_BATCH_LINES = 2_000;
    /** The longest line accepted, in bytes; a longer one fails the task rather than grow a buffer without end. */
    public static final String MAX_LINE_BYTES = "max.line.bytes";
    public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
    /** How long a poll waits for new lines at the end of the file before returning none. */
    public static final String POLL_WAIT_MS = "poll.wait.ms";
    public static final long DEFAULT_POLL_WAIT_MS = 200;

    static final ConfigDef CONFIG = new ConfigDef()
            .define(FILE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The file to read")
            .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The topic to write the lines to")
            .define(BATCH_LINES, Type.INT, DEFAULT_BATCH_LINES, ConfigDef.Range.between(1, 1_000_000),
                    Importance.LOW, "The most lines one poll returns")
            .define(MAX_LINE_BYTES, Type.INT, DEFAULT_MAX_LINE_BYTES, ConfigDef.Range.between(1, 64 * 1024 * 1024),
                    Importance.LOW, "The longest line accepted, in bytes")
            .define(POLL_WAIT_MS, Type.LONG, DEFAULT_POLL_WAIT_MS, ConfigDef.Range.between(1, 60_000),
                    Importance.LOW, "How long a poll waits for new lines at the end of the file");

    private final FileConnectors.OneTask task = new FileConnectors.OneTask();

    @Override
    public void start(Map<String, String> props) {
        task.start(CONFIG, props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return task.configs();
    }

    @Override
    public void stop() {
        // Nothing to release: the task owns the file.
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return FileConnectors.VERSION;
    }
}
