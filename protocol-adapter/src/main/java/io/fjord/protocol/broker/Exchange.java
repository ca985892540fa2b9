package io.fjord.protocol.broker;

import io.fjord.net.ReadPause;
import io.fjord.net.RequestContext;
import io.fjord.net.Send;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.RecordsPayload;
import io.fjord.protocol.codec.SegmentedWritable;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.ResponseHeader;

import java.nio.ByteBuffer;

/**
 * One request in flight: its API, version and correlation id, and the way back to the client.
 * Encodes a response as a 4-byte size, the response header and the body; a body with file-backed
 * records is sent as buffer parts and file regions (sendfile), never copied into the heap.
 */
final class Exchange {
    private final RequestContext context;
    private final ApiKey api;
    private final short version;
    private final int correlationId;
    private final String clientId;

    Exchange(RequestContext context, ApiKey api, short version, int correlationId, String clientId) {
        this.context = context;
        this.api = api;
        this.version = version;
        this.correlationId = correlationId;
        this.clientId = clientId;
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
            context.respond(Send.of(buffer));
            return;
        }
        SegmentedWritable out = new SegmentedWritable();
        out.writeInt(sizeBytes);
        header.write(out, headerVersion);
        response.write(out, responseVersion);
        Send.Builder send = Send.builder();
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
        context.respondNothing();
    }

    /** Stops reading the connection until the hold is resumed: back-pressure (see {@link RequestContext#pauseReads()}). */
    ReadPause pauseReads() {
        return context.pauseReads();
    }

    void closeConnection() {
        context.closeConnection();
    }

    static RecordsPayload noRecords() {
        return new BufferRecords(ByteBuffer.allocate(0));
    }
}
