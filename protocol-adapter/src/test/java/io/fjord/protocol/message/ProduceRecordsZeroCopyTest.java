package io.fjord.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.Readable;
import io.fjord.protocol.codec.RecordsPayload;
import io.fjord.protocol.codec.SegmentedWritable;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records travel by reference: sliced out of the request, referenced from the response. */
class ProduceRecordsZeroCopyTest {

    private static ProduceRequest produce(byte[] records) {
        return new ProduceRequest().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("orders").setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(3)
                                .setRecords(new BufferRecords(ByteBuffer.wrap(records)))))));
    }

    @Test
    void producedRecordsAreASliceOfTheReceiveBuffer() {
        byte[] records = new byte[100];
        for (int i = 0; i < records.length; i++) {
            records[i] = (byte) i;
        }
        for (short version : new short[] {2, 3, 9, 12}) {
            ProduceRequest request = produce(records);
            ByteBuffer receive = ByteBuffer.allocateDirect(request.size(version) + 10);
            receive.position(10); // as if after the frame's length and header
            request.write(new ByteBufferWritable(receive), version);
            receive.flip().position(10);

            ProduceRequest decoded = new ProduceRequest(new Readable(receive), version);
            RecordsPayload payload = decoded.topicData().get(0).partitionData().get(0).records();
            ByteBuffer slice = assertInstanceOf(BufferRecords.class, payload).buffer();
            assertEquals(100, slice.remaining());
            assertEquals(10, receive.position(), "decoding must not move the receive buffer");

            // Same memory: a write through the receive buffer shows in the slice (a patched base offset would).
            int recordsStart = receive.limit() - 100 - (version >= 9 ? 3 : 0); // compact versions end with 3 tag bytes
            receive.put(recordsStart, (byte) 0x7F);
            assertEquals((byte) 0x7F, slice.get(slice.position()), "v" + version);
        }
    }

    @Test
    void fetchResponseRecordsStayByReferenceInSegmentedWrites() {
        RecordsPayload fileLike = new BufferRecords(ByteBuffer.allocate(1_000_000));
        FetchResponse response = new FetchResponse().setResponses(List.of(
                new FetchResponse.FetchableTopicResponse().setTopic("orders").setPartitions(List.of(
                        new FetchResponse.PartitionData().setPartitionIndex(0).setHighWatermark(42)
                                .setRecords(fileLike)))));
        short version = 12;
        SegmentedWritable out = new SegmentedWritable();
        response.write(out, version);

        assertEquals(response.size(version), out.sizeInBytes());
        List<SegmentedWritable.Part> parts = out.parts();
        assertEquals(3, parts.size(), "fields before, records, fields after: " + parts);
        assertSame(fileLike, ((SegmentedWritable.Records) parts.get(1)).payload());
        assertEquals(response.size(version) - 1_000_000, parts.get(0).sizeInBytes() + parts.get(2).sizeInBytes());
    }
}
