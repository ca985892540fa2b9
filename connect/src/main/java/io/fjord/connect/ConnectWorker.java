package io.fjord.connect;

import io.fjord.log.LogEngine;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.Metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An embedded Connect worker in the manner of Kafka's standalone mode: it runs the connectors it
 * is given (Kafka Connect API source and sink connectors, from the classpath) until closed. Source
 * offsets go to a compacted topic ({@code offset.storage.topic}) in Kafka's format, sink offsets
 * are committed through each sink's consumer group {@code connect-<name>}. The topics are on a
 * broker ({@code bootstrap.servers}), on an engine the worker opens ({@code fjord.data.dir}), or
 * on an engine passed in by the application. No REST API, no distributed mode.
 * <p>
 * {@link #start} and {@link #close} may be called from any thread; close is idempotent.
 */
public final class ConnectWorker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectWorker.class.getName());

    private final WorkerConfig config;
    private final Cluster cluster;
    private final Metrics metrics = new Metrics();
    private final List<ConnectorRunner> connectors = new ArrayList<>();
    private SourceOffsetStore offsetStore;
    private boolean closed;

    private ConnectWorker(WorkerConfig config, Cluster cluster) {
        this.config = config;
        this.cluster = cluster;
    }

    /**
     * Starts a worker on the broker or data directory its config names, with these connectors.
     * A bad config throws {@link ConfigException} naming the key, and nothing is left running.
     */
    public static ConnectWorker start(WorkerConfig config, List<ConnectorConfig> connectors) {
        if (config.location() == WorkerConfig.Location.NONE) {
            throw new ConfigException("Set \"" + WorkerConfig.BOOTSTRAP_SERVERS + "\" or \"" + WorkerConfig.DATA_DIR
                    + "\" in the worker config, or pass an engine");
        }
        checkConnectors(config, connectors);
        Cluster cluster = config.embedded() ? EmbeddedCluster.open(config) : new NetworkCluster(config.bootstrapServers());
        return start(new ConnectWorker(config, cluster), connectors);
    }

    /** Starts a worker on an engine the application owns (and keeps open after the worker closes). */
    public static ConnectWorker start(LogEngine engine, WorkerConfig config, List<ConnectorConfig> connectors) {
        if (config.location() != WorkerConfig.Location.NONE) {
            throw new ConfigException("The worker runs on the engine passed in; remove \""
                    + WorkerConfig.BOOTSTRAP_SERVERS + "\" and \"" + WorkerConfig.DATA_DIR + "\" from its config");
        }
        checkConnectors(config, connectors);
        return start(new ConnectWorker(config, new EmbeddedCluster(engine, false)), connectors);
    }

    private static void checkConnectors(WorkerConfig config, List<ConnectorConfig> connectors) {
        if (connectors.size() > config.maxConnectors()) {
            throw new ConfigException(WorkerConfig.MAX_CONNECTORS, Integer.toString(config.maxConnectors()),
                    connectors.size() + " connectors were given");
        }
        Set<String> names = new HashSet<>();
        for (ConnectorConfig connector : connectors) {
            if (!names.add(connector.name())) {
                throw new ConfigException(ConnectorConfig.NAME, connector.name(), "two connectors have this name");
            }
        }
    }

    private static ConnectWorker start(ConnectWorker worker, List<ConnectorConfig> connectors) {
        try {
            worker.startAll(connectors);
            return worker;
        } catch (RuntimeException | Error e) {
            worker.close();
            throw e;
        }
    }

    private synchronized void startAll(List<ConnectorConfig> connectorConfigs) {
        offsetStore = SourceOffsetStore.open(cluster, config);
        for (ConnectorConfig connectorConfig : connectorConfigs) {
            ConnectorRunner runner = new ConnectorRunner(connectorConfig, config, cluster, offsetStore, metrics);
            connectors.add(runner);
            runner.start();
        }
        LOG.log(System.Logger.Level.INFO, "Connect worker running {0} connector(s) on {1}", connectors.size(),
                cluster.describe());
    }

    /** Failed tasks and connector errors by name ({@code <connector>-<task>}); empty while all is well. */
    public synchronized Map<String, Throwable> failures() {
        Map<String, Throwable> out = new LinkedHashMap<>();
        for (ConnectorRunner connector : connectors) {
            out.putAll(connector.failures());
        }
        return out;
    }

    /** Tasks whose threads are still running, over all connectors. */
    public synchronized int runningTasks() {
        return connectors.stream().mapToInt(ConnectorRunner::runningTasks).sum();
    }

    /**
     * Stops every connector (each task commits its offsets first, bounded by
     * {@code task.shutdown.graceful.timeout.ms}), then the offset store, then the engine if the
     * worker opened it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (int i = connectors.size() - 1; i >= 0; i--) {
                stopQuietly(connectors.get(i));
            }
        } finally {
            try {
                if (offsetStore != null) {
                    offsetStore.close();
                }
            } finally {
                metrics.close();
                cluster.close();
            }
        }
    }

    private static void stopQuietly(ConnectorRunner connector) {
        try {
            connector.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // One connector failing to stop must not keep the others (and the engine) open.
            LOG.log(System.Logger.Level.ERROR, "Stopping connector " + connector.name() + " failed", e);
        }
    }
}
