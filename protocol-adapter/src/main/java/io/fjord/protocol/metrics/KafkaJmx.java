package io.fjord.protocol.metrics;

import io.fjord.log.LogEngine;
import io.fjord.protocol.message.ApiKey;
import org.HdrHistogram.Histogram;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The broker's metrics as MBeans under Kafka's names, for the dashboards and jmx_exporter rules made for
 * Kafka. Only what Fjord measures is registered:
 * <ul>
 *   <li>{@code kafka.server:type=BrokerTopicMetrics,name={BytesInPerSec,MessagesInPerSec,BytesOutPerSec}},
 *       and the same with {@code ,topic=T} from a topic's first traffic on (meters: Count, MeanRate,
 *       One/Five/FifteenMinuteRate, EventType, RateUnit);
 *   <li>{@code kafka.network:type=RequestMetrics,name=RequestsPerSec,request=R} (a meter) and
 *       {@code name={TotalTimeMs,RequestQueueTimeMs,LocalTimeMs,RemoteTimeMs,ResponseSendTimeMs},request=R}
 *       (histograms in ms: Count, Min, Max, Mean, StdDev, 50th..999thPercentile) for each served API, and
 *       {@code name=ErrorsPerSec,request=R,error=E} (a meter) from R's first error E on, with
 *       Kafka's request names (a Fetch is also under {@code FetchConsumer}: Fjord has no followers).
 *       Fjord's ResponseSendTimeMs includes the wait behind the connection's earlier responses, which
 *       Kafka counts apart as ResponseQueueTimeMs; there is no {@code version} key (not tracked per version);
 *   <li>{@code kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs} (a timer: both sets);
 *   <li>{@code kafka.server:type=ReplicaManager,name={PartitionCount,LeaderCount}} (gauges: Value; one
 *       node leads every partition). Replication metrics (UnderReplicatedPartitions, ...) are not
 *       registered: there is no replication to measure.
 * </ul>
 * Kafka's names have no broker id, so one JVM holds one set: when another broker of the JVM holds them,
 * {@link #register} logs a warning and returns null (that broker's metrics stay on its HTTP endpoint).
 * Per-topic MBeans of deleted topics are removed when a scrape of {@code /metrics} or {@link #forget}
 * notices.
 *
 * <p>Thread-safe.
 */
public final class KafkaJmx implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KafkaJmx.class.getName());
    private static final String[] PERCENTILE_NAMES = {"50thPercentile", "75thPercentile", "95thPercentile",
        "98thPercentile", "99thPercentile", "999thPercentile"};
    private static final double[] PERCENTILES = {50, 75, 95, 98, 99, 99.9};
    private static final double MILLIS_PER_MICRO = 1e-3;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final BrokerMetrics metrics;
    private final LogEngine engine;
    private final List<ObjectName> registered = new ArrayList<>();
    private volatile boolean closed;

    private KafkaJmx(BrokerMetrics metrics, LogEngine engine) {
        this.metrics = metrics;
        this.engine = engine;
    }

    /**
     * Registers the broker-wide MBeans, and from then on each topic's on its first traffic.
     *
     * @param apis the APIs the broker serves
     * @return the registration, or null when another broker in this JVM holds Kafka's names or the
     *         registration failed (both logged: metrics are not worth failing a broker for)
     */
    public static KafkaJmx register(BrokerMetrics metrics, LogEngine engine, Set<ApiKey> apis) {
        KafkaJmx jmx = new KafkaJmx(metrics, engine);
        try {
            jmx.registerBrokerWide(apis);
        } catch (InstanceAlreadyExistsException e) {
            jmx.close();
            LOG.log(System.Logger.Level.WARNING, "Kafka's JMX names are registered by another broker in this JVM;"
                    + " this broker's metrics are on its HTTP endpoint only (" + e.getMessage() + ")");
            return null;
        } catch (JMException | RuntimeException e) {
            jmx.close();
            LOG.log(System.Logger.Level.WARNING, "Cannot register the broker's JMX metrics; they are on its HTTP"
                    + " endpoint only", e);
            return null;
        }
        metrics.topics().listen(jmx::registerTopic, jmx::forget);
        for (String topic : metrics.topics().byTopic().keySet()) {
            jmx.registerTopic(topic);
        }
        return jmx;
    }

    private void registerBrokerWide(Set<ApiKey> apis) throws JMException {
        TopicTraffic.Counters total = metrics.topics().total();
        String topicMetrics = "kafka.server:type=BrokerTopicMetrics,name=";
        add(topicMetrics + "BytesInPerSec", meter("bytes", total::bytesIn));
        add(topicMetrics + "MessagesInPerSec", meter("messages", total::recordsIn));
        add(topicMetrics + "BytesOutPerSec", meter("bytes", total::bytesOut));
        for (ApiKey api : apis) {
            ApiRequestMetrics request = metrics.requests().of(api);
            if (api == ApiKey.FETCH) {
                registerRequest(request, request.apiName(), "FetchConsumer");
            } else {
                registerRequest(request, request.apiName());
            }
        }
        LatencyHistogram flush = metrics.flushTime();
        AttributeMBean flushTimer = histogram(flush::snapshot);
        withRates(flushTimer, "calls", () -> flush.snapshot().getTotalCount());
        flushTimer.objectAttribute("LatencyUnit", () -> TimeUnit.MILLISECONDS);
        add("kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs", flushTimer);
        add("kafka.server:type=ReplicaManager,name=PartitionCount", gauge(this::partitionCount));
        add("kafka.server:type=ReplicaManager,name=LeaderCount", gauge(this::partitionCount));
    }

    /** The request's MBeans under each of {@code names} (Kafka shows a consumer's Fetch under two). */
    private void registerRequest(ApiRequestMetrics request, String... names) throws JMException {
        for (String name : names) {
            String prefix = "kafka.network:type=RequestMetrics,name=";
            String suffix = ",request=" + name;
            add(prefix + "RequestsPerSec" + suffix, meter("requests", request::requests));
            add(prefix + "TotalTimeMs" + suffix, histogram(request.totalTime()::snapshot));
            add(prefix + "RequestQueueTimeMs" + suffix, histogram(request.queueTime()::snapshot));
            add(prefix + "LocalTimeMs" + suffix, histogram(request.localTime()::snapshot));
            add(prefix + "RemoteTimeMs" + suffix, histogram(request.remoteTime()::snapshot));
            add(prefix + "ResponseSendTimeMs" + suffix, histogram(request.sendTime()::snapshot));
        }
        request.onNewError((api, error) -> {
            for (String name : names) {
                registerError(name, api, error);
            }
        });
        for (String error : request.errors().keySet()) {
            for (String name : names) {
                registerError(name, request, error);
            }
        }
    }

    /** {@code ErrorsPerSec,request=R,error=E}, from the first time R answers E. */
    private void registerError(String requestName, ApiRequestMetrics request, String error) {
        LongAdder count = request.errors().get(error);
        if (count == null || closed) {
            return;
        }
        try {
            add("kafka.network:type=RequestMetrics,name=ErrorsPerSec,request=" + requestName + ",error=" + error,
                    meter("requests", count::sum));
        } catch (InstanceAlreadyExistsException e) {
            // registered by the loop over existing errors and the listener both
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot register ErrorsPerSec of " + requestName + "/" + error, e);
        }
    }

    private void registerTopic(String topic) {
        TopicTraffic.Counters counters = metrics.topics().byTopic().get(topic);
        if (counters == null || closed) {
            return;
        }
        try {
            for (String name : new String[] {"BytesInPerSec", "MessagesInPerSec", "BytesOutPerSec"}) {
                LongSupplier count = switch (name) {
                    case "BytesInPerSec" -> counters::bytesIn;
                    case "MessagesInPerSec" -> counters::recordsIn;
                    default -> counters::bytesOut;
                };
                add(topicName(name, topic), meter(name.startsWith("Messages") ? "messages" : "bytes", count));
            }
        } catch (InstanceAlreadyExistsException e) {
            // registered already (a topic deleted and created again before a scrape noticed)
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot register the JMX metrics of topic " + topic, e);
        }
    }

    /** Unregisters a deleted topic's MBeans. */
    public void forget(String topic) {
        for (String name : new String[] {"BytesInPerSec", "MessagesInPerSec", "BytesOutPerSec"}) {
            try {
                ObjectName objectName = new ObjectName(topicName(name, topic));
                synchronized (registered) {
                    registered.remove(objectName);
                }
                server.unregisterMBean(objectName);
            } catch (InstanceNotFoundException e) {
                // not registered
            } catch (JMException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot unregister the JMX metrics of topic " + topic, e);
            }
        }
    }

    private static String topicName(String name, String topic) {
        // Kafka's topic names ([a-zA-Z0-9._-]) are valid unquoted ObjectName values, as Kafka writes them.
        return "kafka.server:type=BrokerTopicMetrics,name=" + name + ",topic=" + topic;
    }

    private void add(String name, AttributeMBean bean) throws JMException {
        ObjectName objectName = new ObjectName(name);
        synchronized (registered) {
            if (closed) {
                return;
            }
            server.registerMBean(bean, objectName);
            registered.add(objectName);
        }
    }

    private static AttributeMBean meter(String eventType, LongSupplier count) {
        AttributeMBean bean = new AttributeMBean("A rate, as a Yammer Meter shows it");
        return withRates(bean, eventType, count);
    }

    private static AttributeMBean withRates(AttributeMBean bean, String eventType, LongSupplier count) {
        YammerRates rates = new YammerRates(count);
        return bean.longAttribute("Count", rates::count)
                .doubleAttribute("MeanRate", rates::meanRate)
                .doubleAttribute("OneMinuteRate", () -> rates.rate(0))
                .doubleAttribute("FiveMinuteRate", () -> rates.rate(1))
                .doubleAttribute("FifteenMinuteRate", () -> rates.rate(2))
                .stringAttribute("EventType", eventType)
                .objectAttribute("RateUnit", () -> TimeUnit.SECONDS);
    }

    /** A histogram of microseconds shown in milliseconds, as Kafka's *TimeMs histograms are. */
    private static AttributeMBean histogram(Supplier<Histogram> micros) {
        AttributeMBean bean = new AttributeMBean("A distribution in ms, as a Yammer Histogram shows it");
        bean.longAttribute("Count", () -> micros.get().getTotalCount())
                .doubleAttribute("Min", () -> empty(micros.get()) ? 0.0 : micros.get().getMinValue() * MILLIS_PER_MICRO)
                .doubleAttribute("Max", () -> micros.get().getMaxValue() * MILLIS_PER_MICRO)
                .doubleAttribute("Mean", () -> micros.get().getMean() * MILLIS_PER_MICRO)
                .doubleAttribute("StdDev", () -> micros.get().getStdDeviation() * MILLIS_PER_MICRO);
        for (int i = 0; i < PERCENTILES.length; i++) {
            double percentile = PERCENTILES[i];
            bean.doubleAttribute(PERCENTILE_NAMES[i],
                    () -> micros.get().getValueAtPercentile(percentile) * MILLIS_PER_MICRO);
        }
        return bean;
    }

    private static boolean empty(Histogram histogram) {
        return histogram.getTotalCount() == 0;
    }

    private static AttributeMBean gauge(Supplier<Object> value) {
        return new AttributeMBean("A value, as a Yammer Gauge shows it").objectAttribute("Value", value);
    }

    private Object partitionCount() {
        int partitions = 0;
        for (String topic : engine.topics()) {
            try {
                partitions += engine.partitionCount(topic);
            } catch (RuntimeException e) {
                // deleted while counting
            }
        }
        return partitions;
    }

    /** Unregisters every MBean this broker registered. */
    @Override
    public void close() {
        metrics.topics().listen(topic -> { }, topic -> { });
        for (ApiRequestMetrics api : metrics.requests().all()) {
            api.onNewError(null);
        }
        List<ObjectName> names;
        synchronized (registered) {
            closed = true;
            names = new ArrayList<>(registered);
            registered.clear();
        }
        for (ObjectName name : names) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                // already gone
            }
        }
    }
}
