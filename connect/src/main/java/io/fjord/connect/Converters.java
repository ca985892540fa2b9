package io.fjord.connect;

import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

import java.util.HashMap;
import java.util.Map;

/**
 * The key, value and header converters of one task: the worker's {@code key.converter} /
 * {@code value.converter} / {@code header.converter} (with their {@code key.converter.*} ...
 * settings), unless the connector config names its own, as in Kafka.
 */
record Converters(Converter key, Converter value, HeaderConverter header) implements AutoCloseable {

    static Converters create(WorkerConfig worker, ConnectorConfig connector) {
        Map<String, String> merged = new HashMap<>(worker.originals());
        // A connector's converter replaces the worker's whole, settings included.
        for (String prefix : new String[] {WorkerConfig.KEY_CONVERTER, WorkerConfig.VALUE_CONVERTER,
                WorkerConfig.HEADER_CONVERTER}) {
            if (connector.originals().containsKey(prefix)) {
                merged.keySet().removeIf(k -> k.equals(prefix) || k.startsWith(prefix + "."));
                connector.originals().forEach((k, v) -> {
                    if (k.equals(prefix) || k.startsWith(prefix + ".")) {
                        merged.put(k, v);
                    }
                });
            }
        }
        Converter key = converter(merged, WorkerConfig.KEY_CONVERTER, WorkerConfig.DEFAULT_CONVERTER, true);
        Converter value = converter(merged, WorkerConfig.VALUE_CONVERTER, WorkerConfig.DEFAULT_CONVERTER, false);
        String headerClass = ConfigValues.string(merged, WorkerConfig.HEADER_CONVERTER,
                WorkerConfig.DEFAULT_HEADER_CONVERTER);
        HeaderConverter header = Plugins.newInstance(headerClass, HeaderConverter.class, WorkerConfig.HEADER_CONVERTER);
        Map<String, Object> headerConfig = new HashMap<>(
                ConfigValues.withPrefix(merged, WorkerConfig.HEADER_CONVERTER + "."));
        headerConfig.put("converter.type", "header");
        header.configure(headerConfig);
        return new Converters(key, value, header);
    }

    private static Converter converter(Map<String, String> config, String key, String defaultClass, boolean isKey) {
        String className = ConfigValues.string(config, key, defaultClass);
        Converter converter = Plugins.newInstance(className, Converter.class, key);
        Map<String, Object> settings = new HashMap<>(ConfigValues.withPrefix(config, key + "."));
        settings.put("converter.type", isKey ? "key" : "value");
        converter.configure(settings, isKey);
        return converter;
    }

    @Override
    public void close() {
        for (Object c : new Object[] {key, value, header}) {
            if (c instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // A converter that fails to close holds nothing the worker can release.
                    System.getLogger(Converters.class.getName()).log(System.Logger.Level.WARNING,
                            "Closing converter " + c.getClass().getName() + " failed", e);
                }
            }
        }
    }
}
