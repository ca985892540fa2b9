package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.Readable;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;


import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A producer whose acknowledgement was lost resends the same idempotent batch: the broker
 * answers with the original offset and does not store it twice. Driven at the wire level so the
 * retry is exact, byte for byte.
 */
class DuplicateProduceTest {
    private static final short PRODUCE_VERSION = 9;

    @TempDir
    Path dir;

    private int correlationId;

    @Test
    void aRetriedBatchIsAnsweredWithItsOriginalOffset() throws IOException {
        try (LogEngine engine = LogEngine.open(dir);
             Broker broker = Broker.start(engine, BrokerConfig.port(0));
             Socket socket = new Socket("127.0.0.1", broker.boundAddress().getPort())) {
            engine.createTopic("dup", 1);
            InitProducerIdResponse init = (InitProducerIdResponse) call(socket, ApiKey.INIT_PRODUCER_ID, (short) 4,
                    new InitProducerIdRequest().setTransactionalId(null).setTransactionTimeoutMs(60_000));
            assertEquals(Errors.NONE.code(), init.errorCode());
            long producerId = init.producerId();

            assertEquals(0, produce(socket, producerId, 0, "first"));
            assertEquals(1, produce(socket, producerId, 1, "second"));
            assertEquals(0, produce(socket, producerId, 0, "first")); // the retry
            assertEquals(1, produce(socket, producerId, 1, "second"));
            assertEquals(2, engine.partition("dup", 0).latestOffset());
            ProduceResponse gap = produceResponse(socket, producerId, 5, "gap");
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(),
                    gap.responses().get(0).partitionResponses().get(0).errorCode());
            assertEquals(2, engine.partition("dup", 0).latestOffset());
        }
    }

    private long produce(Socket socket, long producerId, int sequence, String value) throws IOException {
        ProduceResponse.PartitionProduceResponse result =
                produceResponse(socket, producerId, sequence, value).responses().get(0).partitionResponses().get(0);
        assertEquals(Errors.NONE.code(), result.errorCode());
        return result.baseOffset();
    }

    private ProduceResponse produceResponse(Socket socket, long producerId, int sequence, String value)
            throws IOException {
        ByteBuffer batch = new RecordBatchBuilder(128).producer(producerId, (short) 0, sequence)
                .append(1L, null, value.getBytes(StandardCharsets.UTF_8)).build();
        ProduceRequest request = new ProduceRequest().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequest.TopicProduceData topic = new ProduceRequest.TopicProduceData().setName("dup");
        topic.partitionData().add(new ProduceRequest.PartitionProduceData().setIndex(0)
                .setRecords(new BufferRecords(ByteBuffer.allocate(batch.remaining()).put(batch).flip())));
        request.topicData().add(topic);
        return (ProduceResponse) call(socket, ApiKey.PRODUCE, PRODUCE_VERSION, request);
    }

    private ApiMessage call(Socket socket, ApiKey api, short version, ApiMessage request) throws IOException {
        int id = ++correlationId;
        RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(id).setClientId("duplicate-test");
        short headerVersion = api.requestHeaderVersion(version);
        int size = header.size(headerVersion) + request.size(version);
        ByteBuffer frame = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferWritable out = new ByteBufferWritable(frame);
        header.write(out, headerVersion);
        request.write(out, version);
        socket.getOutputStream().write(frame.array(), 0, frame.position());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        Readable readable = new Readable(ByteBuffer.wrap(body));
        ResponseHeader responseHeader = new ResponseHeader(readable, api.responseHeaderVersion(version));
        assertEquals(id, responseHeader.correlationId());
        ApiMessage response = api.newResponse();
        response.read(readable, version);
        return response;
    }

}
