package io.fjord.protocol.message;

import io.fjord.protocol.codec.SegmentedWritable;
import java.nio.ByteBuffer;

/** Test helper: the bytes a {@link SegmentedWritable}'s parts would put on the wire. */
final class Segments {
    private Segments() {
    }

    static byte[] concatenate(SegmentedWritable writable) {
        ByteBuffer all = ByteBuffer.allocate(writable.sizeInBytes());
        for (SegmentedWritable.Part part : writable.parts()) {
            if (part instanceof SegmentedWritable.EncodedBytes bytes) {
                all.put(bytes.bytes().duplicate());
            } else if (part instanceof SegmentedWritable.Records records) {
                records.payload().copyTo(all);
            }
        }
        if (all.hasRemaining()) {
            throw new AssertionError("parts hold fewer bytes than sizeInBytes()");
        }
        return all.array();
    }
}
