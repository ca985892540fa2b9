package io.fjord.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.protocol.codec.BufferRecords;
import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.MalformedMessageException;
import io.fjord.protocol.codec.Message;
import io.fjord.protocol.codec.Readable;
import io.fjord.protocol.codec.UnsupportedVersionException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes fail fast with {@link MalformedMessageException}: no other exception, no large
 * allocation, no endless loop.
 */
class MalformedInputTest {
    private static final long SEED = Long.getLong("fjord.test.seed", 7L);

    private static byte[] encode(Message message, short version) {
        ByteBuffer buffer = ByteBuffer.allocate(message.size(version));
        message.write(new ByteBufferWritable(buffer), version);
        return buffer.array();
    }

    private static FetchRequest fetchRequest(short version) {
        FetchRequest request = new FetchRequest();
        if (version >= 15) { // not ignorable: older versions refuse a non-default value
            request.setReplicaState(new FetchRequest.ReplicaState().setReplicaId(2).setReplicaEpoch(9));
        }
        return request.setMaxWaitMs(500).setClusterId("cluster-é").setTopics(List.of(new FetchRequest.FetchTopic()
                        .setTopic("orders").setTopicId(UUID.randomUUID()).setPartitions(List.of(
                                new FetchRequest.FetchPartition().setPartition(1).setFetchOffset(99)))))
                .setRackId("rack-a");
    }

    private static ProduceRequest produceRequest(short version) {
        return new ProduceRequest().setTransactionalId(version >= 3 ? "tx" : null).setAcks((short) 1).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("orders").setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(0)
                                .setRecords(new BufferRecords(ByteBuffer.wrap(new byte[64])))))));
    }

    private static void assertEveryTruncationFails(Supplier<Message> factory, Message message, short version) {
        byte[] bytes = encode(message, version);
        for (int length = 0; length < bytes.length; length++) {
            ByteBuffer truncated = ByteBuffer.wrap(bytes, 0, length);
            Message target = factory.get();
            int cut = length;
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> target.read(new Readable(truncated), version), () -> "truncated at " + cut);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
        Message whole = factory.get();
        whole.read(new Readable(ByteBuffer.wrap(bytes)), version);
        assertArrayEquals(bytes, encode(whole, version));
    }

    @Test
    void truncationAtEveryByteIsRejected() {
        for (short version : new short[] {3, 4, 11, 12, 13, 15, 17, 18}) {
            assertEveryTruncationFails(FetchRequest::new, fetchRequest(version), version);
        }
        for (short version : new short[] {0, 2, 3, 8, 9, 12}) {
            assertEveryTruncationFails(ProduceRequest::new, produceRequest(version), version);
        }
    }

    @Test
    void hugeDeclaredLengthsAreRejectedBeforeAllocating() {
        // ProduceRequest v3: transactional id length int16, then acks, timeout, topic array count int32.
        ByteBuffer hugeArray = ByteBuffer.allocate(12).putShort((short) -1).putShort((short) 1).putInt(0)
                .putInt(Integer.MAX_VALUE);
        hugeArray.flip();
        assertThrows(MalformedMessageException.class, () -> new ProduceRequest(new Readable(hugeArray), (short) 3));

        ByteBuffer hugeString = ByteBuffer.allocate(4).putShort((short) 30_000).putShort((short) 0);
        hugeString.flip();
        assertThrows(MalformedMessageException.class, () -> new ProduceRequest(new Readable(hugeString), (short) 3));

        ByteBuffer negativeLength = ByteBuffer.allocate(4).putShort((short) -7).putShort((short) 0);
        negativeLength.flip();
        assertThrows(MalformedMessageException.class, () -> new ProduceRequest(new Readable(negativeLength), (short) 3));

        // Compact (v9+): a 5-byte varint length of 2^32-1 and an over-long 6-byte varint.
        ByteBuffer hugeCompact = ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0, 0});
        assertThrows(MalformedMessageException.class, () -> new ProduceRequest(new Readable(hugeCompact), (short) 9));
        ByteBuffer overlongVarint = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, 0x01});
        assertThrows(MalformedMessageException.class, () -> new ProduceRequest(new Readable(overlongVarint), (short) 9));
    }

    @Test
    void nullInANonNullableVersionIsRejected() {
        // Produce v3 topic name (int16 length) = -1.
        ByteBuffer buffer = ByteBuffer.allocate(20).putShort((short) -1).putShort((short) 1).putInt(0).putInt(1)
                .putShort((short) -1).putInt(0);
        buffer.flip();
        assertThrows(MalformedMessageException.class, () -> new ProduceRequest(new Readable(buffer), (short) 3));
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        Random random = new Random(SEED);
        byte[] valid = encode(fetchRequest((short) 15), (short) 15);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
            }
            try {
                new FetchRequest(new Readable(ByteBuffer.wrap(bytes)), (short) 15);
            } catch (MalformedMessageException expected) {
                // fine: rejected cleanly
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + " iteration " + i + ": " + e, e);
            }
        }
    }

    @Test
    void unsupportedVersionsAreRejected() {
        assertThrows(UnsupportedVersionException.class,
                () -> new ProduceRequest(new Readable(ByteBuffer.allocate(0)), (short) 99));
        assertThrows(UnsupportedVersionException.class,
                () -> new ProduceRequest().setTransactionalId("tx").write(new ByteBufferWritable(ByteBuffer.allocate(64)), (short) 2));
    }
}
