package io.fjord.protocol.broker;

import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.Readable;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A minimal Kafka client speaking through Fjord's own codecs: exact requests for wire-level tests. */
final class WireClient implements AutoCloseable {
    private final Socket socket;
    private int correlationId;

    WireClient(Broker broker) throws IOException {
        this(broker.boundAddress().getPort());
    }

    WireClient(int port) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        this.socket.setSoTimeout(30_000);
    }

    /** Sends a request and waits for its response. */
    ApiMessage call(ApiKey api, short version, ApiMessage request) throws IOException {
        int id = send(api, version, request);
        return receive(api, version, id);
    }

    /** Sends a request without waiting; returns its correlation id. */
    int send(ApiKey api, short version, ApiMessage request) throws IOException {
        int id = ++correlationId;
        RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(id).setClientId("wire-test");
        short headerVersion = api.requestHeaderVersion(version);
        int size = header.size(headerVersion) + request.size(version);
        ByteBuffer frame = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferWritable out = new ByteBufferWritable(frame);
        header.write(out, headerVersion);
        request.write(out, version);
        socket.getOutputStream().write(frame.array(), 0, frame.position());
        return id;
    }

    /** Reads the next response, which must answer {@code expectedCorrelationId}. */
    ApiMessage receive(ApiKey api, short version, int expectedCorrelationId) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        Readable readable = new Readable(ByteBuffer.wrap(body));
        ResponseHeader header = new ResponseHeader(readable, api.responseHeaderVersion(version));
        assertEquals(expectedCorrelationId, header.correlationId());
        ApiMessage response = api.newResponse();
        response.read(readable, version);
        return response;
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
