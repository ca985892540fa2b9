package io.fjord.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.MalformedMessageException;
import io.fjord.protocol.codec.Readable;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tags a newer peer adds are skipped; the known fields still decode. */
class UnknownTaggedFieldsTest {

    /** A message's bytes with its trailing empty tag section (one 0 byte) replaced by {@code tags}. */
    private static ByteBuffer withTags(byte[] encoded, byte[] tags) {
        ByteBuffer buffer = ByteBuffer.allocate(encoded.length - 1 + tags.length);
        buffer.put(encoded, 0, encoded.length - 1).put(tags).flip();
        return buffer;
    }

    private static byte[] encode(MetadataRequest request, short version) {
        ByteBuffer buffer = ByteBuffer.allocate(request.size(version));
        request.write(new ByteBufferWritable(buffer), version);
        return buffer.array();
    }

    @Test
    void unknownTagsAreSkipped() {
        MetadataRequest request = new MetadataRequest().setAllowAutoTopicCreation(true).setTopics(
                List.of(new MetadataRequest.MetadataRequestTopic().setName("orders")));
        short version = 12;
        byte[] encoded = encode(request, version);
        assertEquals(0, encoded[encoded.length - 1]);

        // Two unknown tags: 7 with 3 bytes, 300 (two-byte varint) with 0 bytes.
        byte[] tags = {2, 7, 3, 1, 2, 3, (byte) 0xAC, 0x02, 0};
        MetadataRequest decoded = new MetadataRequest(new Readable(withTags(encoded, tags)), version);
        assertEquals(request, decoded);
    }

    @Test
    void aTagLongerThanTheMessageIsRejected() {
        MetadataRequest request = new MetadataRequest().setTopics(null);
        byte[] encoded = encode(request, (short) 12);
        byte[] tags = {1, 7, 100, 1};
        assertThrows(MalformedMessageException.class,
                () -> new MetadataRequest(new Readable(withTags(encoded, tags)), (short) 12));
    }

    @Test
    void knownTaggedFieldsWithDefaultsAreOmittedAndRoundTrip() {
        // FetchRequest v15: ReplicaState is tag 1 and is only written when it differs from the default.
        FetchRequest plain = new FetchRequest().setMaxWaitMs(100);
        FetchRequest withState = new FetchRequest().setMaxWaitMs(100)
                .setReplicaState(new FetchRequest.ReplicaState().setReplicaId(5));
        short version = 15;
        assertEquals(plain.size(version) + 1 + 1 + 13, withState.size(version), "tag, size, struct (4+8+1)");
        ByteBuffer buffer = ByteBuffer.allocate(withState.size(version));
        withState.write(new ByteBufferWritable(buffer), version);
        buffer.flip();
        assertEquals(withState, new FetchRequest(new Readable(buffer), version));
    }
}
