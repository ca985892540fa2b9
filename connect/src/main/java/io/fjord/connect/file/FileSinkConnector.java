package io.fjord.connect.file;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.List;
import java.util.Map;

/**
 * Appends each record's value (its string form, one per line) to a file. Lines reach the file
 * when the worker commits: the task flushes and fsyncs in {@code flush}, and only then are the
 * offsets committed, so a restart after a clean stop writes nothing twice. One task: a file has
 * one writer.
 */
public final class FileSinkConnector extends SinkConnector {
    public static final String FILE = "file";
    /** What a record with a null value writes: by default nothing (tombstones are skipped). */
    public static final String NULL_VALUE = "null.value";

    static final ConfigDef CONFIG = new ConfigDef()
            .define(FILE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The file to append lines to (created if missing)")
            .define(NULL_VALUE, Type.STRING, null, Importance.LOW,
                    "The line written for a record with a null value; unset skips such records");

    private final FileConnectors.OneTask task = new FileConnectors.OneTask();

    @Override
    public void start(Map<String, String> props) {
        task.start(CONFIG, props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileSinkTask.class;
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
