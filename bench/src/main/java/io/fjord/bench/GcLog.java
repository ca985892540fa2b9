package io.fjord.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses a broker's unified GC log ({@code -Xlog:gc:file=...}) records, so a
 * latency tail can be set against the pauses of the same seconds: at 5,000 records/s a pause of
 * 8 ms holds 40 records, and the 50 slowest of 50,000 are the p99.9.
 */
final class GcLog {
    /** "[8.089s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 18M->3M(380M) 9.114ms". */
    private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+[.,]\\d+)s\\].*\\bPause\\b.*?([\\d.,]+)ms\\s*$");

    /** One pause: JVM uptime at its end (as logged) and its length. */
    record Pause(double uptimeSeconds, double millis) {
    }

    /** What a window of the log holds. */
    record Summary(int pauses, double totalMillis, double longestMillis) {
        String describe() {
            return pauses == 0 ? "none" : String.format(Locale.ROOT, "%d, %.1f ms in all, longest %.1f ms", pauses,
                    totalMillis, longestMillis);
        }
    }

    private GcLog() {
    }

    /** The JVM option that writes the log; {@code %p} is the JVM's pid. */
    static String option(Path directory) {
        return "-Xlog:gc:file=" + directory.resolve("gc-%p.log");
    }

    static Path file(Path directory, long pid) {
        return directory.resolve("gc-" + pid + ".log");
    }

    static List<Pause> parse(List<String> lines) {
        List<Pause> pauses = new ArrayList<>();
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                pauses.add(new Pause(Double.parseDouble(m.group(1).replace(',', '.')),
                        Double.parseDouble(m.group(2).replace(',', '.'))));
            }
        }
        return pauses;
    }

    /** Pauses that ended within [fromSeconds, toSeconds] of JVM uptime. */
    static Summary summarize(List<Pause> pauses, double fromSeconds, double toSeconds) {
        int count = 0;
        double total = 0;
        double longest = 0;
        for (Pause pause : pauses) {
            if (pause.uptimeSeconds() >= fromSeconds && pause.uptimeSeconds() <= toSeconds) {
                count++;
                total += pause.millis();
                longest = Math.max(longest, pause.millis());
            }
        }
        return new Summary(count, total, longest);
    }

    /** The log of {@code pid} under {@code directory}; an unreadable log reads as no pauses. */
    static List<Pause> read(Path directory, long pid) {
        try {
            return parse(Files.readAllLines(file(directory, pid), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of();
        }
    }
}
