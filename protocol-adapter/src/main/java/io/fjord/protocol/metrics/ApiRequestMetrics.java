package io.fjord.protocol.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * The request metrics of one Kafka API, the phases of Kafka's {@code RequestMetrics}:
 * <pre>
 *  frame complete ──queue──▶ handler starts ──local──▶ handler returns ──remote──▶ answered ──send──▶ last byte written
 *  └──────────────────────────────────────────── total ──────────────────────────────────────────────────────┘
 * </pre>
 * <ul>
 *   <li>queue: the frame waited on its network thread before its handler ran (Kafka's RequestQueueTime);
 *   <li>local: in the handler, on the network thread (LocalTime);
 *   <li>remote: after the handler returned until the response was ready: a long-poll fetch parked, an
 *       append the writer thread finished (RemoteTime; 0 when the handler answered itself);
 *   <li>send: from the answer to its last byte handed to the socket, including the wait behind the
 *       connection's earlier responses (Kafka splits this into ResponseQueueTime and ResponseSendTime);
 *   <li>total: frame complete to last byte written (TotalTime).
 * </ul>
 * A request answered with no bytes (Produce acks=0) records total at the answer and no send time. A
 * response dropped because its connection closed records nothing but its count.
 *
 * <p>Thread-safe: {@link LongAdder}s and {@link LatencyHistogram}s.
 */
public final class ApiRequestMetrics {
    private final String apiName;
    final LongAdder requests = new LongAdder();
    final LatencyHistogram queue = new LatencyHistogram();
    final LatencyHistogram local = new LatencyHistogram();
    final LatencyHistogram remote = new LatencyHistogram();
    final LatencyHistogram send = new LatencyHistogram();
    final LatencyHistogram total = new LatencyHistogram();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile BiConsumer<ApiRequestMetrics, String> onNewError = (api, error) -> { };

    ApiRequestMetrics(String apiName) {
        this.apiName = apiName;
    }

    /** Kafka's name of the API, e.g. "Produce": the {@code request} label and MBean key. */
    public String apiName() {
        return apiName;
    }

    /** Counts one request whose handler is about to run. */
    public void onRequest() {
        requests.increment();
    }

    /**
     * Records the phases of one answered request, on the thread that finished it.
     *
     * @param answeredNanos when the response was ready
     * @param doneNanos when its last byte was written (equal to {@code answeredNanos} for no response)
     */
    public void onCompleted(long receivedNanos, long handlerStartNanos, long handlerEndNanos, long answeredNanos,
                            long doneNanos) {
        queue.recordNanos(handlerStartNanos - receivedNanos);
        local.recordNanos(handlerEndNanos - handlerStartNanos);
        remote.recordNanos(answeredNanos - handlerEndNanos);
        if (doneNanos != answeredNanos) {
            send.recordNanos(doneNanos - answeredNanos);
        }
        total.recordNanos(doneNanos - receivedNanos);
    }

    /** Counts one error in a response (or a refused request) by Kafka's error name, e.g. "NOT_LEADER_OR_FOLLOWER". */
    public void onError(String errorName) {
        LongAdder counter = errors.get(errorName);
        if (counter == null) {
            LongAdder created = new LongAdder();
            counter = errors.putIfAbsent(errorName, created);
            if (counter == null) {
                counter = created;
                onNewError.accept(this, errorName);
            }
        }
        counter.increment();
    }

    /** Tells {@code listener} each error name the first time this API counts it (e.g. to register an MBean). */
    public void onNewError(BiConsumer<ApiRequestMetrics, String> listener) {
        this.onNewError = listener == null ? (api, error) -> { } : listener;
    }

    public long requests() {
        return requests.sum();
    }

    /** Errors by name; a view, read at scrape time. */
    public Map<String, LongAdder> errors() {
        return errors;
    }

    public LatencyHistogram queueTime() {
        return queue;
    }

    public LatencyHistogram localTime() {
        return local;
    }

    public LatencyHistogram remoteTime() {
        return remote;
    }

    public LatencyHistogram sendTime() {
        return send;
    }

    public LatencyHistogram totalTime() {
        return total;
    }
}
