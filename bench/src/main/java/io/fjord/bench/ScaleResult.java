package io.fjord.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One broker's scale session: per row a text cell for the report and, where the row is a
 * number, the number (for the targets). A step that failed says so in its own row with the
 * reason; rows after it that were never measured stay empty and read "not run".
 */
final class ScaleResult {
    static final String OPEN_FILE_LIMIT = "broker's open-file limit (soft, /proc/<pid>/limits)";
    static final String FRESH_START = "start on an empty data dir to first Metadata answer";
    static final String CREATE = "CreateTopics, every batch answered";
    static final String PARTITIONS_LED = "partitions listed with a leader in Metadata";
    static final String CREATE_TO_LED = "from the first CreateTopics to all of them listed with a leader";
    static final String WRITE = "write every partition (acks=1, all acknowledged)";
    static final String READ = "read every record back (one consumer, all partitions assigned)";
    static final String RSS_AT_SIZE = "RSS at size (after write and read)";
    static final String FDS_AT_SIZE = "open descriptors at size (/proc/<pid>/fd)";
    static final String METADATA = "Metadata for all topics (KafkaConsumer.listTopics), p50 / p99 / max";
    static final String METADATA_P99 = "Metadata for all topics, p99";
    static final String KILL_FIRST = "kill -9, restart to first Metadata answer";
    static final String KILL_LED = "kill -9, restart to Metadata listing every partition with a leader";
    static final String KILL_RSS = "RSS at that answer (after kill -9)";
    static final String KILL_FDS = "open descriptors at that answer (after kill -9)";
    static final String KILL_READ = "every record read back after the kill -9 restart";
    static final String STOP = "clean stop (SIGTERM to exit)";
    static final String STOP_FIRST = "after the clean stop, restart to first Metadata answer";
    static final String STOP_LED = "after the clean stop, restart to Metadata listing every partition with a leader";
    static final String STOP_RSS = "RSS at that answer (after the clean stop)";

    /** Every row in report order. */
    static final List<String> ROWS = List.of(OPEN_FILE_LIMIT, FRESH_START, CREATE, PARTITIONS_LED, CREATE_TO_LED,
            WRITE, READ, RSS_AT_SIZE, FDS_AT_SIZE, METADATA, KILL_FIRST, KILL_LED, KILL_RSS, KILL_FDS, KILL_READ,
            STOP, STOP_FIRST, STOP_LED, STOP_RSS);

    private static final int MAX_REASON_CHARS = 300;

    final BrokerKind kind;
    private final Map<String, String> cells = new LinkedHashMap<>();
    private final Map<String, Double> values = new LinkedHashMap<>();

    ScaleResult(BrokerKind kind) {
        this.kind = kind;
    }

    void seconds(String row, long nanos) {
        double seconds = nanos / 1e9;
        values.put(row, seconds);
        cells.put(row, String.format(Locale.ROOT, "%.2f s", seconds));
    }

    /** Seconds with a note after them, e.g. "4.20 s (30,000 records)". */
    void seconds(String row, long nanos, String note) {
        seconds(row, nanos);
        cells.put(row, cells.get(row) + " " + note);
    }

    void megabytes(String row, long bytes) {
        values.put(row, bytes / 1e6);
        cells.put(row, String.format(Locale.ROOT, "%,.0f MB", bytes / 1e6));
    }

    void count(String row, long count, String text) {
        values.put(row, (double) count);
        cells.put(row, text);
    }

    void value(String row, double value) {
        values.put(row, value);
    }

    void text(String row, String text) {
        cells.put(row, text);
    }

    /** The step of {@code row} failed: its cell says why (first line of the reason, shortened). */
    void failed(String row, String reason) {
        cells.put(row, "**failed**: " + shorten(reason));
    }

    boolean failed(String row) {
        return cells.getOrDefault(row, "").startsWith("**failed**");
    }

    /** The row was measured: present and not failed. */
    boolean measured(String row) {
        return cells.containsKey(row) && !failed(row);
    }

    String cell(String row) {
        return cells.getOrDefault(row, "not run");
    }

    /** The number of {@code row}, NaN when it was not measured. */
    double valueOf(String row) {
        return values.getOrDefault(row, Double.NaN);
    }

    static String shorten(String reason) {
        String text = reason == null ? "(no message)" : reason.strip();
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline).strip();
        }
        return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) + "..." : text;
    }
}
