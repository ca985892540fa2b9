package io.fjord.connect;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One connector and its tasks: starts the connector, asks it for at most {@code tasks.max} task
 * configs, runs each task on its own thread, and stops them all (tasks first, then the connector).
 * Not thread-safe: the worker starts and stops it from one thread.
 */
final class ConnectorRunner {
    private static final System.Logger LOG = System.getLogger(ConnectorRunner.class.getName());

    private final ConnectorConfig config;
    private final WorkerConfig worker;
    private final Cluster cluster;
    private final SourceOffsetStore offsetStore;
    private final Metrics metrics;
    private final List<TaskThread> tasks = new ArrayList<>();
    private volatile Exception raisedError;
    private Connector connector;

    ConnectorRunner(ConnectorConfig config, WorkerConfig worker, Cluster cluster, SourceOffsetStore offsetStore,
                    Metrics metrics) {
        this.config = config;
        this.worker = worker;
        this.cluster = cluster;
        this.offsetStore = offsetStore;
        this.metrics = metrics;
    }

    void start() {
        connector = Plugins.newInstance(config.connectorClass(), Connector.class, ConnectorConfig.CONNECTOR_CLASS);
        boolean sink = connector instanceof SinkConnector;
        if (!sink && !(connector instanceof SourceConnector)) {
            throw new org.apache.kafka.common.config.ConfigException(ConnectorConfig.CONNECTOR_CLASS,
                    config.connectorClass(), "is neither a SourceConnector nor a SinkConnector");
        }
        List<String> topics = sink ? config.topics() : List.of();
        // Validate before starting, as Kafka's herder does, so a bad connector config names its key.
        Converters.create(worker, config).close();
        connector.initialize(sink ? new SinkContext() : new SourceContext());
        connector.start(config.originals());
        int maxTasks = Math.min(config.tasksMax(), worker.maxTasksPerConnector());
        List<Map<String, String>> taskConfigs = connector.taskConfigs(maxTasks);
        if (taskConfigs.size() > maxTasks) {
            throw new ConnectException("Connector " + config.name() + " asked for " + taskConfigs.size()
                    + " tasks, more than " + ConnectorConfig.TASKS_MAX + "=" + maxTasks);
        }
        Class<? extends Task> taskClass = connector.taskClass();
        for (int i = 0; i < taskConfigs.size(); i++) {
            TaskId id = new TaskId(config.name(), i);
            Map<String, String> taskConfig = new HashMap<>(taskConfigs.get(i));
            taskConfig.put("task.class", taskClass.getName());
            Task task = Plugins.newInstance(taskClass, ConnectorConfig.CONNECTOR_CLASS);
            TaskThread runner = sink
                    ? sinkTask(id, (SinkTask) task, taskConfig, topics)
                    : sourceTask(id, (SourceTask) task, taskConfig);
            tasks.add(runner);
            runner.start();
        }
        LOG.log(System.Logger.Level.INFO, "Started connector {0} ({1}) with {2} task(s) on {3}", config.name(),
                config.connectorClass(), tasks.size(), cluster.describe());
    }

    private TaskThread sourceTask(TaskId id, SourceTask task, Map<String, String> taskConfig) {
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "connector-producer-" + id);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.putAll(worker.producerOverrides());
        return new SourceTaskRunner(id, task, taskConfig, Converters.create(worker, config),
                cluster.producer(producerConfig), offsetStore, pluginMetrics(id), worker);
    }

    private TaskThread sinkTask(TaskId id, SinkTask task, Map<String, String> taskConfig, List<String> topics) {
        taskConfig.putIfAbsent(SinkTask.TOPICS_CONFIG, String.join(",", topics));
        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, SinkTaskRunner.groupId(config.name()));
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "connector-consumer-" + id);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Kafka's worker default: a new sink connector starts at the beginning of its topics.
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.putAll(worker.consumerOverrides());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new SinkTaskRunner(id, task, taskConfig, topics, Converters.create(worker, config),
                cluster.consumer(consumerConfig), pluginMetrics(id), worker);
    }

    private PluginMetrics pluginMetrics(TaskId id) {
        return new WorkerPluginMetrics(metrics, Map.of("connector", id.connector(), "task", Integer.toString(id.task())));
    }

    /** Stops every task (bounded by {@code task.shutdown.graceful.timeout.ms} each), then the connector. */
    void stop() throws InterruptedException {
        for (TaskThread task : tasks) {
            task.requestStop();
        }
        for (TaskThread task : tasks) {
            task.awaitStop(worker.taskShutdownTimeoutMs());
        }
        if (connector != null) {
            connector.stop();
        }
        LOG.log(System.Logger.Level.INFO, "Stopped connector {0}", config.name());
    }

    String name() {
        return config.name();
    }

    /** Failures of tasks that ended, and an error the connector raised, by task; empty while all is well. */
    Map<String, Throwable> failures() {
        Map<String, Throwable> out = new HashMap<>();
        if (raisedError != null) {
            out.put(config.name(), raisedError);
        }
        for (TaskThread task : tasks) {
            if (task.failure() != null) {
                out.put(task.id().toString(), task.failure());
            }
        }
        return out;
    }

    int runningTasks() {
        return (int) tasks.stream().filter(TaskThread::isRunning).count();
    }

    private class BaseContext implements org.apache.kafka.connect.connector.ConnectorContext {
        @Override
        public void requestTaskReconfiguration() {
            // Standalone Kafka would restart the tasks with new configs; Fjord runs the first ones until restarted.
            LOG.log(System.Logger.Level.WARNING, "Connector {0} asked for task reconfiguration; Fjord's worker "
                    + "keeps its current tasks until it is restarted", config.name());
        }

        @Override
        public void raiseError(Exception e) {
            raisedError = e;
            LOG.log(System.Logger.Level.ERROR, "Connector " + config.name() + " raised an error", e);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return new WorkerPluginMetrics(metrics, Map.of("connector", config.name()));
        }
    }

    private final class SinkContext extends BaseContext implements SinkConnectorContext {
    }

    private final class SourceContext extends BaseContext implements SourceConnectorContext {
        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new TaskOffsetReader(offsetStore, config.name());
        }
    }
}
