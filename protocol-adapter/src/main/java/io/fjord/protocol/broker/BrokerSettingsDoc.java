package io.fjord.protocol.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders {@link BrokerSettings} as the README's list of broker settings, a markdown table between two
 * marker comments, so the README cannot drift from what the broker reads. {@code BrokerSettingsReadmeTest}
 * fails when README.md differs from {@link #table()}; {@link #main} rewrites the section.
 *
 * <p>Thread safety: stateless.
 */
public final class BrokerSettingsDoc {
    static final String BEGIN = "<!-- broker-settings: generated from BrokerSettings.java, do not edit by hand -->";
    static final String END = "<!-- /broker-settings -->";

    private BrokerSettingsDoc() {
    }

    /** The markdown table, one row per setting in table order, ending with a newline. */
    static String table() {
        StringBuilder out = new StringBuilder();
        out.append("| Setting | Values | Default | What it sets |\n");
        out.append("|---|---|---|---|\n");
        for (BrokerSetting setting : BrokerSettings.ALL) {
            out.append("| `").append(setting.name()).append("` | ")
                    .append(cell(setting.allowed())).append(" | ")
                    .append(setting.literalDefault() ? "`" + setting.defaultValue() + "`" : cell(setting.defaultValue()))
                    .append(" | ")
                    .append(cell(setting.doc()));
            if (!setting.overriddenBy().isEmpty()) {
                String winners = "`" + String.join("`, `", setting.overriddenBy()) + "`";
                out.append(setting.overriddenBy().size() == 1 ? " " + winners + " wins when both are set."
                        : " " + winners + " win over it.");
            }
            out.append(" |\n");
        }
        return out.toString();
    }

    /**
     * @return {@code readme} with the text between {@link #BEGIN} and {@link #END} replaced by {@link #table()}
     * @throws IllegalArgumentException when the markers are missing or out of order
     */
    static String withTable(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("README has no broker settings section: expected a line " + BEGIN
                    + " and later a line " + END);
        }
        int tableStart = begin + BEGIN.length() + 1;
        return readme.substring(0, tableStart) + table() + readme.substring(end);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** Rewrites the broker settings section of the README given (default {@code README.md}). */
    public static void main(String[] args) throws IOException {
        Path readme = Path.of(args.length > 0 ? args[0] : "README.md");
        String current = Files.readString(readme, StandardCharsets.UTF_8);
        String updated = withTable(current);
        if (updated.equals(current)) {
            System.out.println(readme + ": broker settings already up to date");
        } else {
            Files.writeString(readme, updated, StandardCharsets.UTF_8);
            System.out.println(readme + ": broker settings rewritten from BrokerSettings");
        }
    }
}
