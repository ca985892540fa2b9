package io.fjord.log.record.compress;

import java.nio.ByteBuffer;

/**
 * Checks the sizes a snappy records section declares before snappy-java acts on them. snappy-java allocates
 * what a stream claims: {@code byte[chunkSize]} for each chunk of xerial's framing (up to 512 MiB) and
 * {@code byte[uncompressedLength]} for each block, read from the block's first varint (up to 4 GiB, and for
 * a section that is not framed at all, the whole section is taken as one block). A 1 KiB batch could so make
 * the broker allocate hundreds of MiB. Here each declared size is held to what the bytes present can hold:
 * a chunk fits in the section, and a block expands at most {@value #MAX_EXPANSION} times (snappy's densest
 * element, a 3-byte copy, yields 64 bytes).
 *
 * <pre>
 *   framed:  0x82 'SNAPPY' 0x00 | int32 version | int32 compatible version | chunks
 *   chunk:   int32 BE compressed size | raw snappy block
 *   block:   varint uncompressed length | elements
 * </pre>
 * Stateless; reads the buffer with absolute gets only.
 */
final class SnappyBounds {
    /** Bytes out per byte in, at most, for a raw snappy block: a 3-byte copy element emits 64 bytes. */
    static final int MAX_EXPANSION = 22;
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_BYTES = MAGIC.length + 2 * Integer.BYTES;
    /** The first four magic bytes read as an int: a chunk size equal to it starts a concatenated stream. */
    private static final int MAGIC_HEAD = 0x82534E41;

    private SnappyBounds() {
    }

    /**
     * Refuses a section whose declared sizes exceed what it can hold; a section too short to frame is left to
     * the codec, which reports it.
     *
     * @return null when the sizes are plausible, else why not
     */
    static String check(ByteBuffer buffer, int from, int to) {
        if (!startsWithMagic(buffer, from, to)) {
            return checkBlock(buffer, from, to - from); // snappy-java's fallback: the section is one raw block
        }
        int position = from + HEADER_BYTES;
        while (to - position >= Integer.BYTES) {
            int chunkBytes = buffer.getInt(position);
            position += Integer.BYTES;
            if (chunkBytes == MAGIC_HEAD) {
                position += HEADER_BYTES - Integer.BYTES; // another stream's header follows
                continue;
            }
            if (chunkBytes < 0 || chunkBytes > to - position) {
                return "a snappy chunk declares " + chunkBytes + " bytes where " + (to - position) + " remain";
            }
            String block = checkBlock(buffer, position, chunkBytes);
            if (block != null) {
                return block;
            }
            position += chunkBytes;
        }
        return null;
    }

    private static boolean startsWithMagic(ByteBuffer buffer, int from, int to) {
        if (to - from < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (buffer.get(from + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String checkBlock(ByteBuffer buffer, int from, int blockBytes) {
        long declared = 0;
        for (int i = 0; i < 5 && i < blockBytes; i++) {
            int b = buffer.get(from + i) & 0xFF;
            declared |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (declared > (long) blockBytes * MAX_EXPANSION) {
            return "a snappy block of " + blockBytes + " bytes declares " + declared + " uncompressed bytes";
        }
        return null;
    }
}
