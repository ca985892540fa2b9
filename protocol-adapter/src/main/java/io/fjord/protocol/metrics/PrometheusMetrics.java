package io.fjord.protocol.metrics;

import io.fjord.log.EngineMetrics;
import io.fjord.log.LogEngine;
import io.fjord.net.NetMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Everything a broker measures, as Prometheus metric families, computed at scrape time from the live
 * counters (nothing is copied on the hot path). Names are {@code fjord_*}, in seconds and bytes; the
 * request metrics carry Kafka's API name in the {@code request} label.
 *
 * <p>Thread-safe: scrapes read thread-safe counters; histogram snapshots serialise per histogram.
 */
public final class PrometheusMetrics implements MultiCollector {
    private final LogEngine engine;
    private final BrokerMetrics broker;
    private final NetMetrics net;
    private final ConsumerLag lag;
    private final Map<String, LongSupplier> protocolCounters;

    /**
     * @param protocolCounters the broker's refused-request counters by metric name (without {@code fjord_protocol_})
     */
    public PrometheusMetrics(LogEngine engine, BrokerMetrics broker, NetMetrics net,
                             Map<String, LongSupplier> protocolCounters) {
        this.engine = engine;
        this.broker = broker;
        this.net = net;
        this.lag = new ConsumerLag(engine);
        this.protocolCounters = protocolCounters;
    }

    @Override
    public MetricSnapshots collect() {
        Snapshots out = new Snapshots();
        requests(out);
        topics(out);
        network(out);
        engine(out);
        protocolCounters.forEach((name, counter) -> out.counter("fjord_protocol_" + name,
                "Kafka protocol layer: " + name.replace('_', ' '), counter.getAsLong()));
        lag.collect(out);
        return out.build();
    }

    private void requests(Snapshots out) {
        CounterSnapshot.Builder requests = out.counter("fjord_requests", "Requests handled, by Kafka API");
        CounterSnapshot.Builder errors = out.counter("fjord_request_errors",
                "Errors in responses (each partition error counts) and refused requests, by API and Kafka error name");
        HistogramSnapshot.Builder queue = out.histogram("fjord_request_queue_time_seconds",
                "Frame complete until its handler started (Kafka RequestQueueTimeMs)");
        HistogramSnapshot.Builder local = out.histogram("fjord_request_local_time_seconds",
                "Time in the handler on the network thread (Kafka LocalTimeMs)");
        HistogramSnapshot.Builder remote = out.histogram("fjord_request_remote_time_seconds",
                "Handler returned until the response was ready: long polls, appends (Kafka RemoteTimeMs)");
        HistogramSnapshot.Builder send = out.histogram("fjord_request_send_time_seconds",
                "Response ready until its last byte was written, queueing behind earlier responses included");
        HistogramSnapshot.Builder total = out.histogram("fjord_request_total_time_seconds",
                "Frame complete until the response's last byte was written (Kafka TotalTimeMs)");
        for (ApiRequestMetrics api : broker.requests().used()) {
            String name = api.apiName();
            requests.dataPoint(Snapshots.count(api.requests(), "request", name));
            api.errors().forEach((error, count) -> errors.dataPoint(
                    Snapshots.count(count.sum(), "request", name, "error", error)));
            queue.dataPoint(Snapshots.latency(api.queueTime().snapshot(), "request", name));
            local.dataPoint(Snapshots.latency(api.localTime().snapshot(), "request", name));
            remote.dataPoint(Snapshots.latency(api.remoteTime().snapshot(), "request", name));
            send.dataPoint(Snapshots.latency(api.sendTime().snapshot(), "request", name));
            total.dataPoint(Snapshots.latency(api.totalTime().snapshot(), "request", name));
        }
        out.add(requests.build());
        out.add(errors.build());
        out.add(queue.build());
        out.add(local.build());
        out.add(remote.build());
        out.add(send.build());
        out.add(total.build());
    }

    private void topics(Snapshots out) {
        TopicTraffic traffic = broker.topics();
        traffic.retain(engine::topicExists);
        CounterSnapshot.Builder bytesIn = out.counter("fjord_topic_bytes_in",
                "Record batch bytes appended by producers, by topic");
        CounterSnapshot.Builder recordsIn = out.counter("fjord_topic_records_in", "Records appended by producers, by topic");
        CounterSnapshot.Builder bytesOut = out.counter("fjord_topic_bytes_out", "Record bytes sent to fetchers, by topic");
        traffic.byTopic().forEach((topic, counters) -> {
            bytesIn.dataPoint(Snapshots.count(counters.bytesIn(), "topic", topic));
            recordsIn.dataPoint(Snapshots.count(counters.recordsIn(), "topic", topic));
            bytesOut.dataPoint(Snapshots.count(counters.bytesOut(), "topic", topic));
        });
        out.add(bytesIn.build());
        out.add(recordsIn.build());
        out.add(bytesOut.build());
        out.counter("fjord_bytes_in", "Record batch bytes appended by producers, all topics", traffic.total().bytesIn());
        out.counter("fjord_records_in", "Records appended by producers, all topics", traffic.total().recordsIn());
        out.counter("fjord_bytes_out", "Record bytes sent to fetchers, all topics", traffic.total().bytesOut());
    }

    private void network(Snapshots out) {
        out.gauge("fjord_connections_open", "Client connections open now", net.openConnections());
        out.counter("fjord_connections_created", "Connections accepted since start", net.connectionsAccepted());
        out.counter("fjord_connections_closed", "Accepted connections closed since start", net.connectionsClosed());
        out.counter("fjord_connections_rejected", "Connections refused at max.connections", net.connectionsRejected());
        out.counter("fjord_connections_idle_closed", "Connections closed by connections.max.idle.ms",
                net.idleConnectionsClosed());
        out.counter("fjord_network_frames_received", "Request frames received", net.framesReceived());
        out.counter("fjord_network_bytes_received", "Bytes read from client sockets", net.bytesReceived());
        out.counter("fjord_network_bytes_sent", "Bytes written to client sockets", net.responseBytesSent());
        out.counter("fjord_network_responses_sent", "Responses fully written", net.responsesSent());
        out.counter("fjord_network_responses_dropped", "Responses dropped because their connection closed",
                net.responsesDropped());
        out.counter("fjord_network_invalid_frames", "Connections closed for an invalid frame size", net.invalidFrames());
        out.counter("fjord_network_frames_over_heap", "Connections closed for lack of heap for a frame",
                net.framesOverHeap());
        out.counter("fjord_network_send_failures", "Connections closed because a response could not be sent",
                net.sendFailures());
        out.counter("fjord_network_read_pauses", "Times a connection stopped being read (in-flight or queued-bytes limit)",
                net.readPauses());
        out.counter("fjord_network_accept_failures", "accept() calls that failed", net.acceptFailures());
        out.counter("fjord_network_unexpected_errors", "Connections closed for an unexpected error",
                net.unexpectedErrors());
        out.counter("fjord_network_registration_failures", "Accepted connections that could not join a selector",
                net.registrationFailures());
        out.counter("fjord_network_handler_errors", "Request handler invocations that threw", net.handlerErrors());
        out.counter("fjord_network_closes_requested", "Connections closed because a request was refused",
                net.closesRequested());
        out.counter("fjord_network_responses_none", "Requests answered with no bytes (Produce acks=0)",
                net.responsesNone());
        out.counter("fjord_network_log_lines_suppressed",
                "Network-layer log lines about client-caused events left out by the rate limit", net.logLinesSuppressed());
    }

    private void engine(Snapshots out) {
        EngineMetrics metrics = engine.metrics();
        GaugeSnapshot.Builder depth = out.gauge("fjord_writer_queue_depth", "Appends queued for each writer thread");
        int[] depths = metrics.writerQueueDepths();
        for (int i = 0; i < depths.length; i++) {
            depth.dataPoint(Snapshots.value(depths[i], "writer", Integer.toString(i)));
        }
        out.add(depth.build());
        out.add(out.histogram("fjord_log_flush_time_seconds", "fsync of a partition's new data (Kafka LogFlushRateAndTimeMs)")
                .dataPoint(Snapshots.latency(broker.flushTime().snapshot())).build());
        out.gauge("fjord_partitions", "Partitions this broker leads (all of them: one node)", partitionCount());
        out.gauge("fjord_disk_full", "1 while the last write found the disk full", metrics.diskFull() ? 1 : 0);
        out.counter("fjord_storage_errors", "Appends and fsyncs that failed with an I/O error", metrics.storageErrors());
        out.counter("fjord_disk_full_episodes", "Times the disk was found full after having had space",
                metrics.diskFullEpisodes());
        out.counter("fjord_indexes_rebuilt", "Segments whose indexes were rebuilt from the log", metrics.indexesRebuilt());
        out.counter("fjord_failed_topic_creations", "Topic or partition creations that failed part way",
                metrics.failedTopicCreations());
        out.counter("fjord_unfinished_topic_creations_removed", "Half-created topics found on start and removed",
                metrics.unfinishedTopicCreationsRemoved());
        out.counter("fjord_interrupted_topic_deletions_finished", "Topic deletions a crash interrupted, finished on start",
                metrics.interruptedTopicDeletionsFinished());
        out.counter("fjord_stray_partition_directories_removed",
                "Partition directories beyond a topic's partition count, removed on start",
                metrics.strayPartitionDirectoriesRemoved());
        out.counter("fjord_topic_creations_refused_for_descriptors",
                "Creations refused to keep file descriptors in reserve", metrics.creationsRefusedForDescriptors());
    }

    private long partitionCount() {
        long partitions = 0;
        for (String topic : engine.topics()) {
            try {
                partitions += engine.partitionCount(topic);
            } catch (RuntimeException e) {
                // deleted while counting
            }
        }
        return partitions;
    }
}
