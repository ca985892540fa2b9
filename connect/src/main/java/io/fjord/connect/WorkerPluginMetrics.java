package io.fjord.connect;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KIP-877 metrics of one connector or task, registered in the worker's {@link Metrics} registry
 * with the plugin's identity as tags. Nothing reports them yet (no JMX reporter is configured);
 * they exist so connectors that register metrics run. Thread-safe, as {@link Metrics} is.
 */
final class WorkerPluginMetrics implements PluginMetrics {
    private static final String GROUP = "connector-plugin-metrics";

    private final Metrics metrics;
    private final Map<String, String> identity;

    WorkerPluginMetrics(Metrics metrics, Map<String, String> identity) {
        this.metrics = metrics;
        this.identity = Map.copyOf(identity);
    }

    @Override
    public MetricName metricName(String name, String description, LinkedHashMap<String, String> tags) {
        Map<String, String> all = new LinkedHashMap<>(identity);
        all.putAll(tags);
        return metrics.metricName(name, GROUP, description, all);
    }

    @Override
    public void addMetric(MetricName metricName, MetricValueProvider<?> provider) {
        metrics.addMetric(metricName, provider);
    }

    @Override
    public void removeMetric(MetricName metricName) {
        metrics.removeMetric(metricName);
    }

    @Override
    public Sensor addSensor(String name) {
        return metrics.sensor(prefixed(name));
    }

    @Override
    public void removeSensor(String name) {
        metrics.removeSensor(prefixed(name));
    }

    private String prefixed(String name) {
        return identity + ":" + name;
    }
}
