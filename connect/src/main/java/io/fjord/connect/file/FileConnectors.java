package io.fjord.connect.file;

import org.apache.kafka.common.config.ConfigDef;

import java.util.List;
import java.util.Map;

/** What Fjord's file connectors share. */
final class FileConnectors {
    /** The connectors' version: Fjord's, from the jar manifest when there is one. */
    static final String VERSION = versionOrDevelopment();

    private FileConnectors() {
    }

    private static String versionOrDevelopment() {
        String version = FileConnectors.class.getPackage().getImplementationVersion();
        return version != null ? version : "0.1.0-SNAPSHOT";
    }

    /**
     * The one task a file connector runs (a file has one reader or one writer), configured with the
     * connector's own properties once they passed its {@link ConfigDef}: a missing or bad key is a
     * ConfigException naming it when the connector starts, before any task does.
     */
    static final class OneTask {
        private Map<String, String> config;

        void start(ConfigDef definition, Map<String, String> props) {
            definition.parse(props);
            config = Map.copyOf(props);
        }

        List<Map<String, String>> configs() {
            return List.of(config);
        }
    }
}
