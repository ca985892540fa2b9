package io.fjord.protocol.broker;

import io.fjord.net.ReadPause;
import io.fjord.net.RequestContext;
import io.fjord.net.Send;
import io.fjord.net.SendListener;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.RecordsPayload;
import io.fjord.protocol.codec.SegmentedWritable;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.ResponseHeader;
import io.fjord.protocol.metrics.ApiRequestMetrics;
import io.fjord.protocol.metrics.BrokerMetrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One request in flight: its API, version and correlation id, and the way back to the client.
 * Encodes a response as a 4-byte size, the response header and the body; a body with file-backed
 * records is sent as buffer parts and file regions (sendfile), never copied into the heap.
 *
 * <p>Times its request's phases for {@link ApiRequestMetrics} when the router calls
 * {@link #handlerStarting}: the network layer's receive time, the handler's start and return, the
 * answer, and the send's completion (this exchange is the send's {@link SendListener}). The phases are
 * recorded once both the handler has returned and the response is done, whichever comes last.
 */
final class Exchange implements SendListener {
    private static final VarHandle RECORDED;

    static {
        try {
            RECORDED = MethodHandles.lookup().findVarHandle(Exchange.class, "recorded", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RequestContext context;
    private final ApiKey api;
    private final short version;
    private final int correlationId;
    private final String clientId;
    /** Null until {@link #handlerStarting}: a request refused before its handler is not timed. */
    private BrokerMetrics metrics;
    private ApiRequestMetrics apiMetrics;
    private long handlerStartNanos;
    /** 0 until set; each written once, by the thread that reached that point. */
    private volatile long handlerEndNanos;
    private volatile long answeredNanos;
    private volatile long doneNanos;
    /** 1 once the phases are recorded (by whichever of handler return and send completion came last). */
    @SuppressWarnings("unused") // accessed through RECORDED
    private volatile int recorded;

    Exchange(RequestContext context, ApiKey api, short version, int correlationId, String clientId) {
        this.context = context;
        this.api = api;
        this.version = version;
        this.correlationId = correlationId;
        this.clientId = clientId;
    }

    /** Counts the request and starts timing it; the router calls this just before the handler (network thread). */
    void handlerStarting(BrokerMetrics brokerMetrics) {
        this.metrics = brokerMetrics;
        this.apiMetrics = brokerMetrics.requests().of(api);
        this.handlerStartNanos = System.nanoTime();
        apiMetrics.onRequest();
    }

    /** The handler returned (network thread). */
    void handlerReturned() {
        if (apiMetrics != null) {
            handlerEndNanos = System.nanoTime();
            recordIfComplete();
        }
    }

    /** Counts one error of this request's API by Kafka's error name (e.g. a handler that failed). */
    void countError(String errorName) {
        if (apiMetrics != null) {
            apiMetrics.onError(errorName);
        }
    }

    ApiKey api() {
        return api;
    }

    short version() {
        return version;
    }

    String clientId() {
        return clientId;
    }

    /** The client's address as Kafka reports it in group descriptions, e.g. "/127.0.0.1". */
    String clientHost() {
        java.net.InetSocketAddress remote = context.remoteAddress();
        return remote == null || remote.getAddress() == null ? "" : "/" + remote.getAddress().getHostAddress();
    }

    /** Encodes and sends {@code response} at the request's version. Any thread, once. */
    void respond(ApiMessage response) {
        respond(response, version);
    }

    /** Sends {@code response} at an explicit version (ApiVersions answers a too-new version in v0). */
    void respond(ApiMessage response, short responseVersion) {
        answered();
        if (metrics != null) {
            ResponseAccounting.count(response, apiMetrics, metrics.topics());
        }
        ResponseHeader header = new ResponseHeader().setCorrelationId(correlationId);
        short headerVersion = api.responseHeaderVersion(responseVersion);
        int sizeBytes = header.size(headerVersion) + response.size(responseVersion);
        if (!hasFileRecords(response)) {
            ByteBuffer buffer = ByteBuffer.allocate(4 + sizeBytes);
            buffer.putInt(sizeBytes);
            ByteBufferWritable out = new ByteBufferWritable(buffer);
            header.write(out, headerVersion);
            response.write(out, responseVersion);
            buffer.flip();
            context.respond(Send.builder().add(buffer).listener(this).build());
            return;
        }
        SegmentedWritable out = new SegmentedWritable();
        out.writeInt(sizeBytes);
        header.write(out, headerVersion);
        response.write(out, responseVersion);
        Send.Builder send = Send.builder().listener(this);
        for (SegmentedWritable.Part part : out.parts()) {
            if (part instanceof SegmentedWritable.EncodedBytes encoded) {
                send.add(encoded.bytes());
            } else if (part instanceof SegmentedWritable.Records records) {
                if (records.payload() instanceof FileRecords file) {
                    send.add(file.segment());
                } else if (records.payload() instanceof BufferRecords buffer) {
                    send.add(buffer.buffer().duplicate());
                } else {
                    throw new IllegalStateException("Unknown records payload " + records.payload());
                }
            }
        }
        context.respond(send.build());
    }

    private static boolean hasFileRecords(ApiMessage response) {
        return response instanceof io.fjord.protocol.message.FetchResponse;
    }

    /**
     * Keeps the request frame (and slices of it, such as produce records) valid after the answer,
     * until {@link #releaseFrame()}: the frame is a pooled buffer, reused once the request is done.
     */
    void retainFrame() {
        context.retainFrame();
    }

    /** Ends a {@link #retainFrame()}. */
    void releaseFrame() {
        context.releaseFrame();
    }

    /** No response at all (Produce with acks=0), keeping the connection's response order. */
    void respondNothing() {
        answered();
        context.respondNothing();
        responseDone(answeredNanos);
    }

    /** Stops reading the connection until the hold is resumed: back-pressure (see {@link RequestContext#pauseReads()}). */
    ReadPause pauseReads() {
        return context.pauseReads();
    }

    void closeConnection() {
        context.closeConnection();
    }

    /** The response's last byte was handed to the socket, or it was dropped (selector thread, or the responder). */
    @Override
    public void onSendDone(boolean written) {
        if (written) {
            responseDone(System.nanoTime());
        }
    }

    private void answered() {
        if (apiMetrics != null) {
            answeredNanos = System.nanoTime();
        }
    }

    private void responseDone(long nanos) {
        if (apiMetrics != null) {
            doneNanos = nanos;
            recordIfComplete();
        }
    }

    private void recordIfComplete() {
        long end = handlerEndNanos;
        long done = doneNanos;
        if (end != 0 && done != 0 && RECORDED.compareAndSet(this, 0, 1)) {
            apiMetrics.onCompleted(context.receivedNanos(), handlerStartNanos, end, answeredNanos, done);
        }
    }

    static RecordsPayload noRecords() {
        return new BufferRecords(ByteBuffer.allocate(0));
    }
}
