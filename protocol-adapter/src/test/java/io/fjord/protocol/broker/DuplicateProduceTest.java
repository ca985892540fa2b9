package io.fjord.protocol.broker;

import io.fjord.log.LogEngine;
import io.fjord.log.record.RecordBatchBuilder;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

    @Test
    void aRetriedBatchIsAnsweredWithItsOriginalOffset() throws IOException {
        try (LogEngine engine = LogEngine.open(dir);
             Broker broker = Broker.start(engine, BrokerConfig.port(0));
             WireClient client = new WireClient(broker)) {
            engine.createTopic("dup", 1);
            InitProducerIdResponse init = (InitProducerIdResponse) client.call(ApiKey.INIT_PRODUCER_ID, (short) 4,
                    new InitProducerIdRequest().setTransactionalId(null).setTransactionTimeoutMs(60_000));
            assertEquals(Errors.NONE.code(), init.errorCode());
            long producerId = init.producerId();

            assertEquals(0, produce(client, producerId, 0, "first"));
            assertEquals(1, produce(client, producerId, 1, "second"));
            assertEquals(0, produce(client, producerId, 0, "first")); // the retry
            assertEquals(1, produce(client, producerId, 1, "second"));
            assertEquals(2, engine.partition("dup", 0).latestOffset());
            ProduceResponse gap = produceResponse(client, producerId, 5, "gap");
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(),
                    gap.responses().get(0).partitionResponses().get(0).errorCode());
            assertEquals(2, engine.partition("dup", 0).latestOffset());
        }
    }

    private long produce(WireClient client, long producerId, int sequence, String value) throws IOException {
        ProduceResponse.PartitionProduceResponse result =
                produceResponse(client, producerId, sequence, value).responses().get(0).partitionResponses().get(0);
        assertEquals(Errors.NONE.code(), result.errorCode());
        return result.baseOffset();
    }

    private ProduceResponse produceResponse(WireClient client, long producerId, int sequence, String value)
            throws IOException {
        ByteBuffer batch = new RecordBatchBuilder(128).producer(producerId, (short) 0, sequence)
                .append(1L, null, value.getBytes(StandardCharsets.UTF_8)).build();
        ProduceRequest request = new ProduceRequest().setAcks((short) -1).setTimeoutMs(30_000);
        ProduceRequest.TopicProduceData topic = new ProduceRequest.TopicProduceData().setName("dup");
        topic.partitionData().add(new ProduceRequest.PartitionProduceData().setIndex(0)
                .setRecords(new BufferRecords(ByteBuffer.allocate(batch.remaining()).put(batch).flip())));
        request.topicData().add(topic);
        return (ProduceResponse) client.call(ApiKey.PRODUCE, PRODUCE_VERSION, request);
    }


}
