package io.fjord.protocol.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads a directory of schema files ({@code common/message/*.json}) into {@link MessageSpec}s. */
final class SchemaReader {
    private SchemaReader() {
    }

    /** All messages in {@code directory}, keyed by message name, in name order. */
    static Map<String, MessageSpec> readDirectory(Path directory) throws IOException {
        Map<String, MessageSpec> messages = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                if (!file.getFileName().toString().endsWith(".json")) {
                    continue;
                }
                MessageSpec spec = readFile(file);
                messages.put(spec.name(), spec);
            }
        }
        if (messages.isEmpty()) {
            throw new IOException("no schema files in " + directory);
        }
        return messages;
    }

    static MessageSpec readFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return readMessage(asObject(JsonParser.parse(text)));
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static MessageSpec readMessage(Map<String, Object> json) {
        String name = string(json, "name", null);
        List<StructSpec> common = new ArrayList<>();
        for (Object struct : list(json, "commonStructs")) {
            Map<String, Object> structJson = asObject(struct);
            common.add(new StructSpec(string(structJson, "name", null), readFields(structJson)));
        }
        Object apiKey = json.get("apiKey");
        return new MessageSpec(
                name,
                string(json, "type", null),
                apiKey == null ? -1 : Integer.parseInt(apiKey.toString().trim()),
                VersionRange.parse(string(json, "validVersions", null)),
                VersionRange.parse(string(json, "flexibleVersions", "none")),
                readFields(json),
                common,
                Boolean.TRUE.equals(json.get("latestVersionUnstable")));
    }

    private static List<FieldSpec> readFields(Map<String, Object> json) {
        List<FieldSpec> fields = new ArrayList<>();
        for (Object field : list(json, "fields")) {
            fields.add(readField(asObject(field)));
        }
        return fields;
    }

    private static FieldSpec readField(Map<String, Object> json) {
        String name = string(json, "name", null);
        VersionRange versions = VersionRange.parse(string(json, "versions", null));
        VersionRange tagged = VersionRange.parse(string(json, "taggedVersions", "none"));
        Object tag = json.get("tag");
        if (!tagged.isNone() && tag == null) {
            throw new IllegalArgumentException("field " + name + " has taggedVersions but no tag");
        }
        if (!tagged.isNone() && tagged.highest() != VersionRange.OPEN_END) {
            // regularVersions() relies on tagged versions being an open-ended tail.
            throw new IllegalArgumentException("field " + name + " has closed taggedVersions " + tagged);
        }
        Object flexible = json.get("flexibleVersions");
        Object defaultValue = json.get("default");
        return new FieldSpec(
                name,
                FieldType.parse(string(json, "type", null)),
                versions,
                VersionRange.parse(string(json, "nullableVersions", "none")),
                tagged,
                tag == null ? -1 : Integer.parseInt(tag.toString().trim()), // some files quote it
                flexible == null ? null : VersionRange.parse(flexible.toString()),
                defaultValue == null ? null : defaultValue.toString().trim(),
                Boolean.TRUE.equals(json.get("ignorable")),
                string(json, "about", ""),
                readFields(json));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + value);
        }
        return (Map<String, Object>) value;
    }

    private static List<Object> list(Map<String, Object> json, String member) {
        Object value = json.get(member);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException("'" + member + "' is not an array");
        }
        return new ArrayList<>(items);
    }

    private static String string(Map<String, Object> json, String member, String fallback) {
        Object value = json.get(member);
        if (value == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing '" + member + "' in " + json.get("name"));
            }
            return fallback;
        }
        return value.toString();
    }
}
