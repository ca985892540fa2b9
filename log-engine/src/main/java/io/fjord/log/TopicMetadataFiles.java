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
 *
 * <p>The properties file is a topic's commit marker: it is written last, after every partition
 * directory exists, so a topic either has it and all its partitions, or does not exist. Before
 * creating directories, creation writes an intent file ({@code <topic>.creating}): on start, an
 * intent without its properties file names the directories of a creation cut short, which are
 * deleted rather than mistaken for a Kafka log directory to adopt. Data directories written by
 * versions without intent files open unchanged: their properties file was (and still is) what makes
 * a topic exist.
 * <pre>
 *   partitions=8
 *   deleting=false
 *   config.retention.ms=86400000
 * </pre>
 */
final class TopicMetadataFiles {
    static final String DIRECTORY = "topic-configs";
    private static final String SUFFIX = ".properties";
    private static final String CREATING_SUFFIX = ".creating";
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

    boolean exists(String name) {
        return Files.exists(file(name));
    }

    /** Durably records that directories of {@code name} are about to be created (see the class comment). */
    void writeCreationIntent(String name) throws IOException {
        AtomicFiles.createMarker(directory.resolve(name + CREATING_SUFFIX));
    }

    /**
     * Drops the intent once the topic is committed or its directories are gone. Needs no fsync: an
     * intent that survives a crash next to its properties file is dropped on start.
     */
    void deleteCreationIntent(String name) throws IOException {
        Files.deleteIfExists(directory.resolve(name + CREATING_SUFFIX));
    }

    /** Topics with a creation intent on disk. */
    List<String> creationIntents() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + CREATING_SUFFIX)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                names.add(fileName.substring(0, fileName.length() - CREATING_SUFFIX.length()));
            }
        }
        return names;
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
