package io.fjord.log;

import io.fjord.log.io.AtomicFiles;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Persists each topic's partition count and explicitly set configs, one properties file per topic
 * under {@code <data-dir>/topic-configs/} (a name that can never be a {@code <topic>-<n>}
 * partition directory). Written atomically. A topic being deleted is first marked
 * {@code deleting=true}, so a crash half-way through a deletion finishes it on the next start.
 * <pre>
 *   partitions=8
 *   deleting=false
 *   config.retention.ms=86400000
 * </pre>
 */
final class TopicMetadataFiles {
    static final String DIRECTORY = "topic-configs";
    private static final String SUFFIX = ".properties";
    private static final String PARTITIONS = "partitions";
    private static final String DELETING = "deleting";
    private static final String CONFIG_PREFIX = "config.";

    record Stored(String name, int partitions, TopicConfig config, boolean deleting) {
    }

    private final Path directory;

    TopicMetadataFiles(Path dataDir) throws IOException {
        this.directory = dataDir.resolve(DIRECTORY);
        Files.createDirectories(directory);
    }

    void write(Stored topic) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(PARTITIONS).append('=').append(topic.partitions()).append('\n');
        text.append(DELETING).append('=').append(topic.deleting()).append('\n');
        Properties configs = new Properties();
        for (Map.Entry<String, String> entry : new TreeMap<>(topic.config().overrides()).entrySet()) {
            configs.setProperty(CONFIG_PREFIX + entry.getKey(), entry.getValue());
        }
        StringWriter escaped = new StringWriter();
        configs.store(escaped, null);
        for (String line : escaped.toString().split("\n")) {
            if (!line.startsWith("#")) {
                text.append(line).append('\n');
            }
        }
        AtomicFiles.write(file(topic.name()), text.toString());
    }

    void delete(String name) throws IOException {
        AtomicFiles.deleteDurably(file(name));
    }

    List<Stored> readAll() throws IOException {
        List<Stored> topics = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                topics.add(read(file));
            }
        }
        return topics;
    }

    private Stored read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        try {
            TopicNames.validate(name);
            int partitions = Integer.parseInt(required(properties, PARTITIONS, file));
            boolean deleting = Boolean.parseBoolean(properties.getProperty(DELETING, "false"));
            Map<String, String> configs = new LinkedHashMap<>();
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith(CONFIG_PREFIX)) {
                    configs.put(key.substring(CONFIG_PREFIX.length()), properties.getProperty(key));
                }
            }
            return new Stored(name, partitions, TopicConfig.of(configs), deleting);
        } catch (NumberFormatException | FjordException e) {
            throw new IOException("Malformed topic metadata " + file + ": " + e.getMessage(), e);
        }
    }

    private static String required(Properties properties, String key, Path file) throws IOException {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IOException("Malformed topic metadata " + file + ": no '" + key + "'");
        }
        return value.trim();
    }

    private Path file(String name) {
        return directory.resolve(name + SUFFIX);
    }
}
