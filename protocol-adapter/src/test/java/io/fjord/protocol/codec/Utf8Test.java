package io.fjord.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void matchesStringGetBytesIncludingLoneSurrogates() {
        long seed = Long.getLong("fjord.test.seed", 11L);
        Random random = new Random(seed);
        for (int i = 0; i < 10_000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                int kind = random.nextInt(4);
                chars[j] = (char) (kind == 0 ? random.nextInt(0x80) : kind == 1 ? 0xD800 + random.nextInt(0x800)
                        : random.nextInt(0x10000));
            }
            String text = new String(chars);
            byte[] expected = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected.length, Utf8.encodedLength(text), "seed " + seed);
            ByteBuffer buffer = ByteBuffer.allocate(expected.length);
            Utf8.encode(text, buffer);
            assertArrayEquals(expected, buffer.array(), "seed " + seed);
        }
    }

    @Test
    void varintSizesMatchEncodings() {
        for (int value : new int[] {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            SegmentedWritable out = new SegmentedWritable();
            out.writeUnsignedVarint(value);
            assertEquals(Sizes.unsignedVarint(value), out.sizeInBytes(), "unsigned " + value);
            out = new SegmentedWritable();
            out.writeVarint(value);
            assertEquals(Sizes.varint(value), out.sizeInBytes(), "signed " + value);
            ByteBuffer bytes = ((SegmentedWritable.EncodedBytes) out.parts().get(0)).bytes();
            assertEquals(value, new Readable(bytes).readVarint());
        }
        for (long value : new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40}) {
            SegmentedWritable out = new SegmentedWritable();
            out.writeVarlong(value);
            assertEquals(Sizes.varlong(value), out.sizeInBytes());
            ByteBuffer bytes = ((SegmentedWritable.EncodedBytes) out.parts().get(0)).bytes();
            assertEquals(value, new Readable(bytes).readVarlong());
        }
    }
}
